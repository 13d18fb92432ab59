package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"xinyong/internal/auth"
	"xinyong/internal/errs"
	"xinyong/internal/list"
	"xinyong/internal/publicity"
	"xinyong/internal/score"
	"xinyong/internal/tracking"
)

// setting is a rule set the operator edits as JSON in the console: each is
// validated by the same domain and store code as its API and versioned there.
type setting struct {
	Name, Title, Help string
	load              func(ctx context.Context, s *server, key string) (any, error)
	save              func(ctx context.Context, s *server, key string, body []byte, actor string) error
}

func strictJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errs.Invalid("settings.json", "JSON 格式有误："+err.Error())
	}
	return nil
}

var settings = []setting{
	{Name: "publicity-rules", Title: "公示期限规则", Help: "按生效日期区分的公示期限规则（轻微、一般、严重；可按信息类别设置）。保存后对新归集的信息生效。",
		load: func(ctx context.Context, s *server, _ string) (any, error) {
			rs, err := s.API.Store.PublicityRules(ctx)
			return map[string]any{"rules": rs}, err
		},
		save: func(ctx context.Context, s *server, _ string, body []byte, actor string) error {
			var in struct {
				Rules []publicity.Rule `json:"rules"`
			}
			if err := strictJSON(body, &in); err != nil {
				return err
			}
			return s.API.Store.ReplacePublicityRules(ctx, in.Rules, actor)
		}},
	{Name: "score-model", Title: "信用评价模型", Help: "指标、权重、上限、三等九级分档与分级分类监管对应关系。保存为新版本并在后台重算评分；分档重叠、留空或权重越界将被拒绝。",
		load: func(ctx context.Context, s *server, _ string) (any, error) {
			if s.API.Scores != nil {
				return s.API.Scores.Model(), nil
			}
			return s.API.Store.ActiveScoreModel(ctx)
		},
		save: func(ctx context.Context, s *server, _ string, body []byte, actor string) error {
			m, err := score.Parse(body)
			if err != nil {
				return err
			}
			_, err = s.API.Store.SaveScoreModel(ctx, m, actor, false)
			return err
		}},
	{Name: "environment-index", Title: "信用环境指数", Help: "区域信用环境指数的构成指标与权重（权重之和为 1）。可选指标：negative_share 有失信记录主体占比、repair_rate 信用修复完成率、feedback_rate 联合奖惩反馈率、timeliness 双公示按时率。",
		load: func(ctx context.Context, s *server, _ string) (any, error) {
			cfg, err := s.API.Store.IndexIndicators(ctx)
			return map[string]any{"indicators": cfg}, err
		},
		save: func(ctx context.Context, s *server, _ string, body []byte, actor string) error {
			var in struct {
				Indicators []tracking.IndexIndicator `json:"indicators"`
			}
			if err := strictJSON(body, &in); err != nil {
				return err
			}
			return s.API.Store.SaveIndexIndicators(ctx, in.Indicators, actor)
		}},
	{Name: "list-type", Title: "红黑名单类型", Help: "认定部门、法律依据、认定标准、默认期限、移出条件、移出后重点监测期限。黑名单类型必须有法律依据。",
		load: func(ctx context.Context, s *server, code string) (any, error) {
			types, _, _, err := s.API.Store.Rules(ctx)
			if err != nil {
				return nil, err
			}
			for _, t := range types {
				if t.Code == code {
					return t, nil
				}
			}
			return nil, errs.NotFound("list_type.not_found", "没有该名单类型："+code)
		},
		save: func(ctx context.Context, s *server, code string, body []byte, actor string) error {
			var t list.Type
			if err := strictJSON(body, &t); err != nil {
				return err
			}
			if t.Code != code {
				return errs.Field("code", "名单类型编码不能修改（应为 "+code+"）")
			}
			if t.DomainName == "" {
				t.DomainName, _ = list.DomainName(t.Domain)
			}
			return s.API.Store.SaveListType(ctx, t, actor)
		}},
}

func findSetting(name string) (setting, bool) {
	for _, st := range settings {
		if st.Name == name {
			return st, true
		}
	}
	return setting{}, false
}

type settingView struct {
	Setting setting
	Key     string
	Action  string
}

// settingForm shows one rule set as JSON for editing (operator).
func (s *server) settingForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireRole(r, auth.RoleOperator); err != nil {
		return err
	}
	st, key, err := s.settingOf(r)
	if err != nil {
		return err
	}
	v, err := st.load(r.Context(), s, key)
	if err != nil {
		return err
	}
	body, _ := json.MarshalIndent(v, "", "  ")
	s.render(w, r, 200, "console_setting", view{Title: st.Title, Console: true, Flash: workFlash(r), Form: map[string]string{"body": string(body)}, Data: settingView{st, key, r.URL.Path}})
	return nil
}

// settingSave validates and stores an edited rule set; refusals are shown
// beside the JSON and nothing changes.
func (s *server) settingSave(w http.ResponseWriter, r *http.Request) error {
	p, err := requireRole(r, auth.RoleOperator)
	if err != nil {
		return err
	}
	if err := checkCSRF(r); err != nil {
		return err
	}
	st, key, err := s.settingOf(r)
	if err != nil {
		return err
	}
	body := r.PostFormValue("body")
	err = st.save(r.Context(), s, key, []byte(body), p.Actor())
	if fe := formError(err); fe != nil {
		reason := fe.msg
		if len(fe.fields) > 0 {
			reason = joinReasons(fe.fields)
		}
		s.render(w, r, http.StatusBadRequest, "console_setting", view{Title: st.Title, Console: true, Error: "未保存：校验未通过，原规则保持不变",
			Fields: map[string]string{"body": reason}, Form: map[string]string{"body": body}, Data: settingView{st, key, r.URL.Path}})
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, r.URL.Path+"?done=saved", http.StatusSeeOther)
	return nil
}

func (s *server) settingOf(r *http.Request) (setting, string, error) {
	name, key, _ := strings.Cut(r.PathValue("name"), ":")
	st, ok := findSetting(name)
	if !ok || (name == "list-type") != (key != "") {
		return st, "", errs.NotFound("settings.not_found", "没有该设置项")
	}
	return st, key, nil
}
