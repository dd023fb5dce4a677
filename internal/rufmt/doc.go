// Package rufmt writes numbers, counts, dates and times the Russian way,
// once for the whole system: a decimal comma, groups of thousands split by
// a narrow no-break space, a true minus sign, plural forms, dates as
// ДД.ММ.ГГГГ and times in Moscow time (or a region's own zone). The web
// pages, the reports, the charts and the CLI all use it, so that a number
// reads the same wherever it is shown.
package rufmt

// Dash stands for a missing value.
const Dash = "—"
