package ui

import (
	"net/http"
	"sort"
	"strings"

	"xinyong/internal/measure"
)

// The published measures list (联合奖惩措施清单), grouped by kind and
// category, filtered by scenario, list type and kind.

type measureView struct {
	Code, Text, Mode, Initiating, Trigger, Source string
	Mandatory, Punish                             bool
	Implementing, Scenarios, Binds, Basis         []string
}

type measureGroup struct {
	Title    string
	Punish   bool
	Measures []measureView
}

func (s *server) measures(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	form := map[string]string{"scenario": strings.TrimSpace(q.Get("scenario")), "list_type": strings.TrimSpace(q.Get("list_type")), "kind": strings.TrimSpace(q.Get("kind"))}
	types, ms, _, err := s.API.Store.Rules(r.Context())
	if err != nil {
		return err
	}
	names, err := s.deptNames(r.Context())
	if err != nil {
		return err
	}
	typeName := map[string]string{}
	var typeOpts [][2]string
	for _, t := range types {
		typeName[t.Code] = t.Name
		if t.Public {
			typeOpts = append(typeOpts, [2]string{t.Code, t.Kind.Label() + " · " + t.Name})
		}
	}
	fields := map[string]string{}
	var sc measure.Scenario
	if v := form["scenario"]; v != "" {
		var ok bool
		if sc, ok = measure.ScenarioByName(v); !ok {
			fields["scenario"] = "未知的应用场景"
		} else {
			form["scenario"] = sc.Code
		}
	}
	if v := form["list_type"]; v != "" && typeName[v] == "" {
		fields["list_type"] = "未知的名单类型"
	}
	if v := form["kind"]; v != "" && v != string(measure.Reward) && v != string(measure.Punish) {
		fields["kind"] = "只能选择激励或惩戒"
	}
	data := map[string]any{"Scenarios": measure.Scenarios(), "ListTypes": typeOpts}
	v := view{Title: "联合奖惩措施清单", Form: form, Fields: fields, Data: data}
	if len(fields) > 0 {
		v.Error = "筛选条件有误，请按提示修改后重试"
		s.render(w, r, http.StatusBadRequest, "measures", v)
		return nil
	}
	scName := map[string]string{}
	for _, x := range measure.Scenarios() {
		scName[x.Code] = x.Name
	}
	groups := map[string]*measureGroup{}
	total := 0
	for _, m := range ms {
		if (sc.Code != "" && !m.AppliesIn(sc.Code)) || (form["list_type"] != "" && !m.TriggeredBy(form["list_type"])) ||
			(form["kind"] != "" && string(m.Kind) != form["kind"]) {
			continue
		}
		mv := measureView{Code: m.Code, Text: m.Text, Mode: m.Mode.Label(), Mandatory: m.Mode == measure.Mandatory, Punish: m.Kind == measure.Punish,
			Initiating: pubDept(names, m.InitiatingDept), Source: m.Source}
		for _, d := range m.ImplementingDepts {
			mv.Implementing = append(mv.Implementing, pubDept(names, d))
		}
		for _, c := range m.Scenarios {
			mv.Scenarios = append(mv.Scenarios, scName[c])
		}
		for _, b := range m.Binds {
			mv.Binds = append(mv.Binds, b.Label())
		}
		for _, b := range m.Basis {
			mv.Basis = append(mv.Basis, b.String())
		}
		var trig []string
		for _, lt := range m.ListTypes {
			trig = append(trig, typeName[lt])
		}
		mv.Trigger = strings.Join(trig, "、")
		if m.Condition != measure.ConditionList {
			mv.Trigger = m.Condition.Label()
		}
		key := string(m.Kind) + "/" + string(m.Category)
		g := groups[key]
		if g == nil {
			g = &measureGroup{Title: m.Kind.Label() + "措施 · " + m.Category.Label(), Punish: m.Kind == measure.Punish}
			groups[key] = g
		}
		g.Measures = append(g.Measures, mv)
		total++
	}
	var out []measureGroup
	for _, k := range []measure.Kind{measure.Punish, measure.Reward} {
		for _, c := range measure.Categories() {
			if g := groups[string(k)+"/"+string(c)]; g != nil {
				sort.SliceStable(g.Measures, func(i, j int) bool {
					a, b := g.Measures[i], g.Measures[j]
					if a.Mandatory != b.Mandatory {
						return a.Mandatory
					}
					return a.Code < b.Code
				})
				out = append(out, *g)
			}
		}
	}
	data["Groups"], data["Total"], data["ScenarioName"], data["ListName"] = out, total, sc.Name, typeName[form["list_type"]]
	s.render(w, r, http.StatusOK, "measures", v)
	return nil
}
