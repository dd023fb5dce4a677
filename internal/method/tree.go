package method

import (
	"fmt"
	"slices"

	"github.com/cifra-health/cifra/internal/index"
)

// treeState tracks ids across the whole tree.
type treeState struct {
	nodes map[string]int    // node id -> line
	paths map[string]string // node id -> path, for later checks
	used  map[string]int    // indicator id -> line of the leaf using it
}

// tree builds the index tree. It returns nil when the file has no index.
func (b *builder) tree(raw *rawNode) *index.Node {
	if raw == nil {
		if !b.failed["index"] {
			b.add("", "index is required: the tree of criteria and indicators")
		}
		return nil
	}
	st := &treeState{nodes: map[string]int{}, paths: map[string]string{}, used: map[string]int{}}
	b.nodePaths = st.paths
	ctx := "index"
	if raw.ID != "" {
		ctx = fmt.Sprintf("index %q", raw.ID)
	}
	if raw.Indicator != "" || len(raw.Children) == 0 {
		if !b.failed["index.children"] {
			b.add("index", "%s: the root must have children (the criteria)", ctx)
		}
	}
	return b.node(raw, "index", ctx, st)
}

func (b *builder) node(raw *rawNode, path, ctx string, st *treeState) *index.Node {
	n := &index.Node{ID: raw.ID, Name: raw.Name, Weight: 1, Indicator: raw.Indicator, Aggregation: raw.Aggregation, P: raw.P}
	if raw.Weight != nil {
		n.Weight = *raw.Weight
		if n.Weight < 0 {
			b.add(join(path, "weight"), "%s: weight must not be negative, got %g", ctx, n.Weight)
		}
	}
	if raw.Aggregation != "" && !slices.Contains(aggregateMethods, raw.Aggregation) {
		b.add(join(path, "aggregation"), "%s: aggregation: unknown method %q (want %s)", ctx, raw.Aggregation, list(aggregateMethods))
	}
	if raw.Indicator != "" {
		b.leaf(raw, n, path, ctx, st)
		return n
	}
	b.checkNodeID(path, ctx, n.ID, st)
	b.require(path, ctx, "name", n.Name)
	if len(raw.Children) == 0 {
		if path != "index" && !b.failed[join(path, "children")] { // the root has its own message
			b.add(path, "%s: a node needs either an indicator or children", ctx)
		}
		return n
	}
	total := 0.0
	for i := range raw.Children {
		c := &raw.Children[i]
		cpath := fmt.Sprintf("%s.children[%d]", path, i)
		id := c.ID
		if id == "" {
			id = c.Indicator
		}
		child := b.node(c, cpath, itemName("node", id, i), st)
		n.Children = append(n.Children, child)
		total += max(child.Weight, 0)
	}
	if total == 0 {
		b.add(path, "%s: the weights of its children are all zero", ctx)
	}
	return n
}

func (b *builder) leaf(raw *rawNode, n *index.Node, path, ctx string, st *treeState) {
	if len(raw.Children) > 0 {
		b.add(path, "%s: a node has either an indicator or children, not both", ctx)
	}
	if raw.ID == "" {
		n.ID = raw.Indicator
	}
	b.checkNodeID(path, ctx, n.ID, st)
	ind, ok := b.m.Indicator(raw.Indicator)
	if !ok {
		if _, exists := b.inds[raw.Indicator]; !exists {
			b.add(join(path, "indicator"), "%s: unknown indicator %q", ctx, raw.Indicator)
		}
		return
	}
	if n.Name == "" {
		n.Name = ind.Name
	}
	if first, dup := st.used[raw.Indicator]; dup {
		b.add(join(path, "indicator"), "%s: indicator %q is already used in the tree (line %d)", ctx, raw.Indicator, first)
		return
	}
	st.used[raw.Indicator] = b.line(join(path, "indicator"))
}

func (b *builder) checkNodeID(path, ctx, id string, st *treeState) {
	if id == "" {
		if !b.failed[join(path, "id")] {
			b.add(path, "%s: id is required", ctx)
		}
		return
	}
	if !idPattern.MatchString(id) {
		b.add(join(path, "id"), "%s: id must be lowercase latin letters, digits and \"_\", starting with a letter", ctx)
		return
	}
	if first, dup := st.nodes[id]; dup {
		b.add(path, "%s: duplicate node id (first at line %d)", ctx, first)
		return
	}
	st.nodes[id] = b.line(path)
	st.paths[id] = path
}

// treeIndicators lists the indicator ids of the leaves, in tree order.
func treeIndicators(n *index.Node) []string {
	if n == nil {
		return nil
	}
	if len(n.Children) == 0 && n.Indicator != "" {
		return []string{n.Indicator}
	}
	var ids []string
	for _, c := range n.Children {
		ids = append(ids, treeIndicators(c)...)
	}
	return ids
}
