package method

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/cifra-health/cifra/methodologies"
)

// Builtin parses every methodology shipped in the methodologies directory,
// sorted by file name, and checks the inputs between them. Each call returns
// fresh values, so callers may keep or change them.
func Builtin() ([]*Methodology, error) {
	names, err := fs.Glob(methodologies.FS, "*.yaml")
	if err != nil {
		return nil, fmt.Errorf("built-in methodologies: %w", err)
	}
	slices.Sort(names)
	var ms []*Methodology
	var errs []error
	for _, name := range names {
		data, err := fs.ReadFile(methodologies.FS, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("built-in methodology %s: %w", name, err))
			continue
		}
		m, err := Parse(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ms = append(ms, m)
	}
	if len(errs) == 0 {
		errs = append(errs, CheckInputs(ms))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ms, nil
}

// CheckInputs checks the inputs between methodologies: each names a
// methodology in ms, a node of its tree, is computed for every period type
// of the methodology taking the input, and no chain of inputs is circular.
func CheckInputs(ms []*Methodology) error {
	byID := map[string]*Methodology{}
	for _, m := range ms {
		if _, dup := byID[m.ID]; dup {
			return fmt.Errorf("methodology %q is loaded twice", m.ID)
		}
		byID[m.ID] = m
	}
	probs := map[*Methodology]*problems{}
	add := func(m *Methodology, line int, format string, args ...any) {
		if probs[m] == nil {
			probs[m] = &problems{file: m.Source}
		}
		probs[m].add(line, format, args...)
	}
	for _, m := range ms {
		for i, in := range m.Inputs {
			ctx := itemName("input", in.DataElement, i)
			src, ok := byID[in.Methodology]
			if !ok {
				add(m, in.line, "%s: unknown methodology %q", ctx, in.Methodology)
				continue
			}
			if in.Node != "" {
				if _, ok := src.Node(in.Node); !ok {
					add(m, in.line, "%s: methodology %q has no node %q", ctx, in.Methodology, in.Node)
				}
			}
			for _, t := range m.PeriodTypes {
				if !slices.Contains(src.PeriodTypes, t) {
					add(m, in.line, "%s: methodology %q is not computed for %s periods", ctx, in.Methodology, t)
				}
			}
			if cycle := inputCycle(byID, m.ID, src.ID, []string{m.ID}); cycle != nil {
				add(m, in.line, "%s: inputs go round in a circle: %s", ctx, strings.Join(cycle, " → "))
			}
		}
	}
	var errs []error
	for _, m := range ms {
		if p := probs[m]; p != nil {
			errs = append(errs, p.err())
		}
	}
	return errors.Join(errs...)
}

// inputCycle returns the path from cur back to start through inputs, if any.
func inputCycle(byID map[string]*Methodology, start, cur string, path []string) []string {
	path = append(path, cur)
	if cur == start {
		return path
	}
	if len(path) > len(byID)+1 {
		return nil
	}
	m, ok := byID[cur]
	if !ok {
		return nil
	}
	for _, in := range m.Inputs {
		if c := inputCycle(byID, start, in.Methodology, slices.Clone(path)); c != nil {
			return c
		}
	}
	return nil
}
