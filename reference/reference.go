// Package reference embeds the reference data shipped with Cifra: the 85
// federal subjects of Russia and 1,117 settlements, both derived from the
// russia-cities data set (Apache License 2.0, see NOTICE).
package reference

import _ "embed"

// RegionsCSV is regions.csv: one row per federal subject with ISO 3166-2:RU,
// region number, ОКАТО, names, federal district, population, coordinates and
// Russian case forms.
//
//go:embed regions.csv
var RegionsCSV []byte

// SettlementsCSV is settlements.csv: settlements with region, population,
// ОКАТО/ОКТМО, coordinates and time zone.
//
//go:embed settlements.csv
var SettlementsCSV []byte
