package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoPackageState is a vet-like check: no file of internal/web or its
// packages declares a package-level variable, except embedded files
// (//go:embed) and sentinel errors (errors.New). State belongs to the
// Server; fixed tables are functions or constants. Test files are not
// checked.
func TestNoPackageState(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				if allowedPackageVar(g, vs) {
					continue
				}
				for _, n := range vs.Names {
					t.Errorf("%s: package-level variable %s: keep state in the Server, tables in functions", fset.Position(n.Pos()), n.Name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func allowedPackageVar(g *ast.GenDecl, vs *ast.ValueSpec) bool {
	for _, doc := range []*ast.CommentGroup{g.Doc, vs.Doc} {
		if doc != nil && hasEmbed(doc) {
			return true
		}
	}
	if len(vs.Values) != len(vs.Names) || len(vs.Values) == 0 {
		return false
	}
	for _, v := range vs.Values {
		call, ok := v.(*ast.CallExpr)
		if !ok {
			return false
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "errors" || sel.Sel.Name != "New" {
			return false
		}
	}
	return true
}

func hasEmbed(doc *ast.CommentGroup) bool {
	for _, c := range doc.List {
		if strings.HasPrefix(c.Text, "//go:embed") {
			return true
		}
	}
	return false
}
