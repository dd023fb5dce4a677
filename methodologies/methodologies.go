// Package methodologies embeds the built-in methodology files. They are
// plain YAML so that a methodologist can read them, copy one and change it;
// internal/method parses and validates them.
package methodologies

import "embed"

// FS holds every *.yaml file of this directory.
//
//go:embed *.yaml
var FS embed.FS
