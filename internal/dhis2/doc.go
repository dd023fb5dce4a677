// Package dhis2 speaks DHIS2's analytics dialect for Cifra's values: it parses
// the query parameters DHIS2 clients send to /api/analytics (dimension=dx:…;…,
// filter=ou:…, displayProperty, outputIdScheme, skipRounding, relative periods,
// LEVEL- and OU_GROUP- units) and builds the answer in DHIS2's shape (headers
// as objects, metaData with items and dimensions, rows as strings, width and
// height), so that DHIS2 apps, R and Python clients read Cifra as they read
// DHIS2.
//
// The package knows no HTTP: the web layer hands it the raw query string and
// a Source of values, and writes the Response as JSON. Work per request is
// bounded by Limits before any value is looked up.
package dhis2
