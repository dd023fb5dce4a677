package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cifra-health/cifra/internal/auth"
	"github.com/cifra-health/cifra/internal/catalog"
	"github.com/cifra-health/cifra/internal/method"
	"github.com/cifra-health/cifra/internal/orgunit"
	"github.com/cifra-health/cifra/internal/period"
	"github.com/cifra-health/cifra/internal/rufmt"
	"github.com/cifra-health/cifra/internal/store"
	"github.com/cifra-health/cifra/internal/workflow"
)

func init() { extraCommands = append(extraCommands, newWorkflowCmd) }

func newWorkflowCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "workflow",
		Short: "Data collection: approval states, locking, closed periods, checks",
		Long: `The data-collection workflow of a data set for an organisation unit and
period: open → draft → submitted (МО) → approved (region) → accepted (federal,
values locked). Returning, rejecting and unlocking need --reason. A closed
period freezes its values and publishes the ratings computed for it.

The CLI acts as the operating-system user with the role given by --as-role
(default federal_admin); every step is recorded in the approval history.`,
	}
	cmd.AddCommand(newWorkflowStatusCmd(g), newWorkflowCloseCmd(g), newWorkflowClosedCmd(g),
		newWorkflowHistoryCmd(g), newWorkflowCheckCmd(g))
	for _, a := range []workflow.Action{workflow.Submit, workflow.Approve, workflow.Accept, workflow.Return, workflow.Reject, workflow.Unlock} {
		cmd.AddCommand(newWorkflowActionCmd(g, a))
	}
	return cmd
}

// wfTarget is a data set, its methodology and a period, resolved from flags.
type wfTarget struct {
	m     *method.Methodology
	ds    *method.DataSet
	p     period.Period
	level orgunit.Level
}

// wfOpen opens the database and resolves the data set, the period and the
// reporting units under scope, for the commands that act on them.
func wfOpen(ctx context.Context, g *globals, dataSet, periodID, scope string) (*catalog.Catalog, *store.Store, wfTarget, []*orgunit.Unit, error) {
	c, st, err := openCatalog(ctx, g)
	if err != nil {
		return nil, nil, wfTarget{}, nil, err
	}
	t, err := wfResolve(c, dataSet, periodID)
	if err == nil {
		var units []*orgunit.Unit
		if units, err = t.units(c.Hierarchy(), scope); err == nil {
			return c, st, t, units, nil
		}
	}
	st.Close()
	return nil, nil, wfTarget{}, nil, err
}

func wfResolve(c *catalog.Catalog, dataSet, periodID string) (wfTarget, error) {
	var t wfTarget
	var known []string
	for _, m := range c.Methodologies() {
		for i := range m.DataSets {
			known = append(known, m.DataSets[i].ID)
			if m.DataSets[i].ID == dataSet && t.ds == nil {
				t.m, t.ds = m, &m.DataSets[i]
			}
		}
	}
	if t.ds == nil {
		sort.Strings(known)
		return t, fmt.Errorf("--dataset: unknown data set %q (known: %s)", dataSet, strings.Join(known, ", "))
	}
	p, err := period.Parse(periodID)
	if err != nil {
		return t, fmt.Errorf("--period: %w", err)
	}
	if t.ds.PeriodType.Valid() && p.Type() != t.ds.PeriodType {
		return t, fmt.Errorf("--period: data set %s is reported per %s period, %s is %s", t.ds.ID, t.ds.PeriodType, p, p.Type())
	}
	t.p = p
	if t.level, err = workflow.ReportingLevel(t.ds); err != nil {
		return t, err
	}
	return t, nil
}

func orgDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// units lists the reporting units of the data set within scope (all when
// scope is empty): the unit itself when it reports, else its descendants
// that do.
func (t wfTarget) units(h *orgunit.Hierarchy, scope string) ([]*orgunit.Unit, error) {
	if scope == "" {
		return h.AtLevel(t.level), nil
	}
	u, ok := h.Lookup(scope)
	if !ok {
		return nil, fmt.Errorf("--orgunit: unknown organisation unit %q", scope)
	}
	switch {
	case u.Level == t.level:
		return []*orgunit.Unit{u}, nil
	case u.Level > t.level:
		return nil, fmt.Errorf("--orgunit: %s is a %s; data set %s is reported by each %s", u.Code, u.Level, t.ds.ID, t.level)
	}
	return workflow.ReportingUnits(h, t.ds, u.Code), nil
}

// wfNum writes a number with a decimal comma, as the UI does.
func wfNum(x float64, prec int) string {
	return rufmt.Number(x, prec)
}

func wfDate(t time.Time) string {
	return rufmt.DateTime(t)
}

func wfJSON(g *globals, v any) error {
	enc := json.NewEncoder(g.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newWorkflowStatusCmd(g *globals) *cobra.Command {
	var dataSet, periodID, scope string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "status --dataset DS --period P [--orgunit CODE]",
		Short:   "Show the approval state and timeliness of every reporting unit",
		Example: `  cifra workflow status --dataset mo_quarterly --period 2021Q1 --orgunit RU-TUL`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			_, st, t, units, err := wfOpen(ctx, g, dataSet, periodID, scope)
			if err != nil {
				return err
			}
			defer st.Close()
			approvals, err := st.Approvals(ctx, t.ds.ID, t.p.String())
			if err != nil {
				return err
			}
			closed, err := st.PeriodClosed(ctx, t.p.String())
			if err != nil {
				return err
			}
			due, now := workflow.Due(t.ds, t.p), time.Now()
			type row struct {
				OrgUnit     string              `json:"org_unit"`
				Name        string              `json:"name"`
				State       workflow.State      `json:"state"`
				SubmittedAt *time.Time          `json:"submitted_at,omitempty"`
				Timeliness  workflow.Timeliness `json:"timeliness"`
				Actor       string              `json:"actor,omitempty"`
				Reason      string              `json:"reason,omitempty"`
			}
			rows := make([]row, 0, len(units))
			for _, u := range units {
				a, ok := approvals[u.Code]
				if !ok {
					a.State = workflow.Open
				}
				r := row{OrgUnit: u.Code, Name: u.ShortName, State: a.State, Timeliness: workflow.TimelinessOf(a.SubmittedAt, due, now),
					Actor: a.Actor, Reason: a.Reason}
				if !a.SubmittedAt.IsZero() {
					r.SubmittedAt = &a.SubmittedAt
				}
				rows = append(rows, r)
			}
			if asJSON {
				return wfJSON(g, map[string]any{"data_set": t.ds.ID, "period": t.p.String(), "due": due, "closed": closed, "units": rows})
			}
			fmt.Fprintf(g.stdout, "%s «%s», период %s; срок представления — до %s МСК включительно.\n",
				t.ds.ID, t.ds.Name, t.p.Label(), rufmt.DateTime(due.Add(-time.Minute)))
			if closed {
				fmt.Fprintln(g.stdout, "Период закрыт: данные заморожены.")
			}
			counts := map[workflow.State]int{}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "КОД\tНАИМЕНОВАНИЕ\tСОСТОЯНИЕ\tОТПРАВЛЕНО\tСВОЕВРЕМЕННОСТЬ\tПРИЧИНА")
			for _, r := range rows {
				counts[r.State]++
				sub := "—"
				if r.SubmittedAt != nil {
					sub = wfDate(*r.SubmittedAt)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.OrgUnit, r.Name, r.State.Label(), sub, r.Timeliness.Label(), r.Reason)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			var parts []string
			for _, s := range workflow.States {
				if counts[s] > 0 {
					parts = append(parts, fmt.Sprintf("%s: %d", s.Label(), counts[s]))
				}
			}
			fmt.Fprintf(g.stdout, "Всего %d; %s.\n", len(rows), strings.Join(parts, ", "))
			return nil
		},
	}
	cmd.Flags().StringVar(&dataSet, "dataset", "", "data set id")
	cmd.Flags().StringVar(&periodID, "period", "", "period, e.g. 2021Q1")
	cmd.Flags().StringVar(&scope, "orgunit", "", "only this unit or the reporting units below it")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	_ = cmd.MarkFlagRequired("dataset")
	_ = cmd.MarkFlagRequired("period")
	return cmd
}

func newWorkflowActionCmd(g *globals, action workflow.Action) *cobra.Command {
	var dataSet, periodID, unit, reason, roleName string
	use := string(action) + " --dataset DS --orgunit CODE --period P"
	if workflow.Table[action].NeedReason {
		use += " --reason R"
	}
	cmd := &cobra.Command{
		Use:     use + " [--as-role ROLE]",
		Short:   wfShort[action] + " (permission " + string(workflow.Table[action].Perm) + ")",
		Example: wfExample(action),
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			role, err := auth.ParseRole(roleName)
			if err != nil {
				return fmt.Errorf("--as-role: %w", err)
			}
			_, st, t, units, err := wfOpen(ctx, g, dataSet, periodID, unit)
			if err != nil {
				return err
			}
			defer st.Close()
			if len(units) != 1 {
				return fmt.Errorf("--orgunit: %s is not a reporting unit of %s (a %s)", unit, t.ds.ID, t.level)
			}
			before, err := st.Approval(ctx, t.ds.ID, units[0].Code, t.p.String())
			if err != nil {
				return err
			}
			a, err := st.Transition(ctx, t.ds, units[0].Code, t.p.String(), action, actor(), role, reason)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "%s: %s (%s), %s, период %s: «%s» → «%s».\n", action.Label(), units[0].ShortName, units[0].Code,
				t.ds.ID, t.p, before.State.Label(), a.State.Label())
			if action == workflow.Accept {
				fmt.Fprintf(g.stdout, "Заблокировано значений: %d (элементы набора × организация × период).\n", len(t.ds.DataElements))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dataSet, "dataset", "", "data set id")
	cmd.Flags().StringVar(&periodID, "period", "", "period, e.g. 2021Q1")
	cmd.Flags().StringVar(&unit, "orgunit", "", "reporting unit (code, ISO or OKATO)")
	cmd.Flags().StringVar(&reason, "reason", "", "written reason (required to return, reject and unlock)")
	cmd.Flags().StringVar(&roleName, "as-role", string(auth.FederalAdmin), "role to act with")
	for _, f := range []string{"dataset", "period", "orgunit"} {
		_ = cmd.MarkFlagRequired(f)
	}
	return cmd
}

var wfShort = map[workflow.Action]string{
	workflow.Submit:  "Submit a unit's data for a period",
	workflow.Approve: "Approve submitted data (regional)",
	workflow.Accept:  "Accept approved data and lock the values (federal)",
	workflow.Return:  "Return submitted or approved data for correction (needs --reason)",
	workflow.Reject:  "Reject submitted or approved data (federal; needs --reason)",
	workflow.Unlock:  "Unlock accepted data (federal; needs --reason)",
}

func wfExample(action workflow.Action) string {
	role := auth.RegionalOperator
	if workflow.Table[action].Perm == auth.Accept {
		role = auth.FederalAnalyst
	}
	ex := fmt.Sprintf("  cifra workflow %s --dataset region_cross_sector --orgunit RU-TUL --period 2021Q1 --as-role %s", action, role)
	if workflow.Table[action].NeedReason {
		ex += ` --reason "Не сходятся данные по обученным служащим"`
	}
	return ex
}

func newWorkflowCloseCmd(g *globals) *cobra.Command {
	var periodID, reason, roleName string
	cmd := &cobra.Command{
		Use:   "close --period P --reason R",
		Short: "Close a period: freeze its values and publish its current ratings (cannot be undone)",
		Long: `Closes a period. Afterwards no data value whose period overlaps it may change
(closing 2021Q1 also freezes the months of that quarter and annual 2021
values), no approval within it may move, and the ratings currently stored
for it and the periods inside it become the published version, which later
recomputations do not change. Needs a role with the accept permission.`,
		Example: `  cifra workflow close --period 2021Q1 --reason "Рейтинг за I квартал опубликован"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			role, err := auth.ParseRole(roleName)
			if err != nil {
				return fmt.Errorf("--as-role: %w", err)
			}
			if !role.Can(auth.Accept) {
				return fmt.Errorf("close period: %s: %w", role, workflow.ErrForbidden)
			}
			p, err := period.Parse(periodID)
			if err != nil {
				return fmt.Errorf("--period: %w", err)
			}
			st, err := store.Open(ctx, g.db, g.log)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.ClosePeriod(ctx, p.String(), actor(), reason); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "Период %s закрыт: значения заморожены, текущие рейтинги опубликованы.\n", p.Label())
			return nil
		},
	}
	cmd.Flags().StringVar(&periodID, "period", "", "period to close")
	cmd.Flags().StringVar(&reason, "reason", "", "written reason (required)")
	cmd.Flags().StringVar(&roleName, "as-role", string(auth.FederalAdmin), "role to act with")
	_ = cmd.MarkFlagRequired("period")
	_ = cmd.MarkFlagRequired("reason")
	return cmd
}

func newWorkflowClosedCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "closed",
		Short: "List the closed periods",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := store.Open(cmd.Context(), g.db, g.log)
			if err != nil {
				return err
			}
			defer st.Close()
			cps, err := st.ClosedPeriods(cmd.Context())
			if err != nil {
				return err
			}
			if len(cps) == 0 {
				fmt.Fprintln(g.stdout, "Закрытых периодов нет.")
				return nil
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ПЕРИОД\tЗАКРЫТ\tКЕМ\tПРИЧИНА")
			for _, c := range cps {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Period, wfDate(c.ClosedAt), c.Actor, c.Reason)
			}
			return tw.Flush()
		},
	}
}

func newWorkflowHistoryCmd(g *globals) *cobra.Command {
	var f store.ApprovalFilter
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "history [--dataset DS] [--orgunit CODE] [--period P] [--actor A] [--limit N]",
		Short:   "Show the approval history, newest first",
		Example: `  cifra workflow history --orgunit RU-TUL --limit 20`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, st, err := openCatalog(ctx, g)
			if err != nil {
				return err
			}
			defer st.Close()
			if f.OrgUnit != "" {
				if u, ok := c.Hierarchy().Lookup(f.OrgUnit); ok {
					f.OrgUnit = u.Code
				}
			}
			if f.Period != "" {
				p, err := period.Parse(f.Period)
				if err != nil {
					return fmt.Errorf("--period: %w", err)
				}
				f.Period = p.String()
			}
			events, err := st.ApprovalHistory(ctx, f)
			if err != nil {
				return err
			}
			if asJSON {
				if events == nil {
					events = []store.ApprovalEvent{}
				}
				return wfJSON(g, events)
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ВРЕМЯ (МСК)\tНАБОР\tЕДИНИЦА\tПЕРИОД\tДЕЙСТВИЕ\tСОСТОЯНИЕ\tКТО\tПРИЧИНА")
			for _, e := range events {
				move := "—"
				if e.To != "" {
					move = e.From.Label() + " → " + e.To.Label()
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", wfDate(e.At), orgDefault(e.DataSet, "—"), orgDefault(e.OrgUnit, "—"),
					e.Period, e.Action.Label(), move, e.Actor, e.Reason)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&f.DataSet, "dataset", "", "only this data set")
	cmd.Flags().StringVar(&f.OrgUnit, "orgunit", "", "only this organisation unit")
	cmd.Flags().StringVar(&f.Period, "period", "", "only this period")
	cmd.Flags().StringVar(&f.Actor, "actor", "", "only this actor (e.g. cli:ivanov or a login)")
	cmd.Flags().IntVar(&f.Limit, "limit", 100, "at most this many events (0: all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// runWorkflowCheck is catalog.Check over the units: the same check the
// /checks page shows.
func runWorkflowCheck(ctx context.Context, c *catalog.Catalog, t wfTarget, units []*orgunit.Unit, now time.Time) (workflow.Report, error) {
	codes := make([]string, len(units))
	for i, u := range units {
		codes[i] = u.Code
	}
	return c.Check(ctx, catalog.DataSetRef{M: t.m, DS: t.ds}, t.p, codes, now)
}

func newWorkflowCheckCmd(g *globals) *cobra.Command {
	var dataSet, periodID, scope string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check --dataset DS --period P [--orgunit CODE]",
		Short: "Check a data set's values: validation rules, outliers, completeness and timeliness",
		Long: `Checks the values of a data set for a period: the methodology's validation
rules that read its elements, outliers of each element across the reporting
units (z-score over 3, modified z-score over 3.5), and for every unit how
many elements it reported and whether it submitted on time.`,
		Example: `  cifra workflow check --dataset mo_quarterly --period 2021Q1 --orgunit RU-TUL`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, st, t, units, err := wfOpen(ctx, g, dataSet, periodID, scope)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := runWorkflowCheck(ctx, c, t, units, time.Now())
			if err != nil {
				return err
			}
			if asJSON {
				return wfJSON(g, res)
			}
			return printWorkflowCheck(g, t, res)
		},
	}
	cmd.Flags().StringVar(&dataSet, "dataset", "", "data set id")
	cmd.Flags().StringVar(&periodID, "period", "", "period, e.g. 2021Q1")
	cmd.Flags().StringVar(&scope, "orgunit", "", "only this unit or the reporting units below it")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	_ = cmd.MarkFlagRequired("dataset")
	_ = cmd.MarkFlagRequired("period")
	return cmd
}

func printWorkflowCheck(g *globals, t wfTarget, res workflow.Report) error {
	w := g.stdout
	fmt.Fprintf(w, "Проверка %s «%s», период %s.\n\n", t.ds.ID, t.ds.Name, t.p.Label())
	fmt.Fprintf(w, "Нарушения правил контроля: %d\n", len(res.Violations))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(res.Violations) > 0 {
		fmt.Fprintln(tw, "ЕДИНИЦА\tПРАВИЛО\tЛЕВАЯ ЧАСТЬ\tУСЛОВИЕ\tПРАВАЯ ЧАСТЬ")
		for _, v := range res.Violations {
			fmt.Fprintf(tw, "%s\t%s (%s)\t%s = %s\t%s\t%s = %s\n", v.OrgUnit, v.Name, v.Rule, v.LeftText, wfNum(v.Left, -1),
				v.Operator, v.RightText, wfNum(v.Right, -1))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nВыбросы: %d\n", len(res.Outliers))
	if len(res.Outliers) > 0 {
		fmt.Fprintln(tw, "ЭЛЕМЕНТ\tЕДИНИЦА\tЗНАЧЕНИЕ\tМЕТОД\tОЦЕНКА\tЦЕНТР")
		for _, o := range res.Outliers {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", o.DataElement, o.OrgUnit, wfNum(o.Value, -1), o.Method.Label(),
				wfNum(o.Score, 2), wfNum(o.Centre, 2))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	complete, onTime := 0, 0
	for _, u := range res.Completeness {
		if u.Expected > 0 && u.Reported == u.Expected {
			complete++
		}
		if u.Timeliness == workflow.OnTime {
			onTime++
		}
	}
	fmt.Fprintf(w, "\nПолнота и своевременность: единиц %d, заполнено полностью %d, представлено в срок %d (срок — до %s МСК)\n",
		len(res.Completeness), complete, onTime, rufmt.DateTime(res.Due.Add(-time.Minute)))
	fmt.Fprintln(tw, "ЕДИНИЦА\tЗАПОЛНЕНО\tДОЛЯ\tСОСТОЯНИЕ\tСВОЕВРЕМЕННОСТЬ")
	for _, u := range res.Completeness {
		fmt.Fprintf(tw, "%s\t%d из %d\t%s%%\t%s\t%s\n", u.OrgUnit, u.Reported, u.Expected, wfNum(100*u.Share(), 0), u.State.Label(), u.Timeliness.Label())
	}
	return tw.Flush()
}
