package ui

import (
	"net/http"

	"xinyong/internal/auth"
	"xinyong/internal/web/api"
)

// Console pages for departments (records, review, list entries, the check
// tool) and for the operator (catalog, calendar, list types and measures,
// subscriptions, boards). They call the API's paths (api.Console) so a page
// and a JSON call validate, scope and log alike.

var (
	deptWriters = []auth.Role{auth.RoleOperator, auth.RoleClerk}
	deptStaff   = []auth.Role{auth.RoleOperator, auth.RoleClerk, auth.RoleReviewer}
	reviewRoles = []auth.Role{auth.RoleOperator, auth.RoleReviewer}
)

func (s *server) consoleWorkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /console/records", s.wrap(s.recordList))                  // console_records.go
	mux.HandleFunc("GET /console/records/{id}", s.wrap(s.recordShow))             // console_records.go
	mux.HandleFunc("POST /console/records/{id}/revoke", s.wrap(s.recordRevoke))   // console_records.go
	mux.HandleFunc("GET /console/records/new", s.wrap(s.recordNew))               // console_record_submit.go
	mux.HandleFunc("POST /console/records/new", s.wrap(s.recordSubmit))           // console_record_submit.go
	mux.HandleFunc("POST /console/records/import", s.wrap(s.recordImport))        // console_record_import.go
	mux.HandleFunc("GET /console/batches/{id}", s.wrap(s.batchShow))              // console_record_import.go
	mux.HandleFunc("GET /console/reviews", s.wrap(s.reviewList))                  // console_reviews.go
	mux.HandleFunc("POST /console/records/{id}/review", s.wrap(s.reviewSubmit))   // console_reviews.go
	mux.HandleFunc("GET /console/entries", s.wrap(s.entryList))                   // console_entries.go
	mux.HandleFunc("POST /console/entries", s.wrap(s.entryPropose))               // console_entries.go
	mux.HandleFunc("GET /console/entries/{id}", s.wrap(s.entryShow))              // console_entry.go
	mux.HandleFunc("POST /console/entries/{id}/{action}", s.wrap(s.entryAct))     // console_entry.go
	mux.HandleFunc("GET /console/check", s.wrap(s.checkTool))                     // console_check.go
	mux.HandleFunc("GET /console/checks/{id}", s.wrap(s.checkShow))               // console_check_feedback.go
	mux.HandleFunc("POST /console/checks/{id}/feedback", s.wrap(s.checkFeedback)) // console_check_feedback.go
	mux.HandleFunc("GET /console/rules", s.wrap(s.rulesList))                     // console_rules.go
	mux.HandleFunc("GET /console/measures/{code}", s.wrap(s.measureEdit))         // console_rules.go
	mux.HandleFunc("POST /console/measures/{code}", s.wrap(s.measureSave))        // console_rules.go
	mux.HandleFunc("GET /console/catalog", s.wrap(s.catalogList))                 // console_catalog.go
	mux.HandleFunc("GET /console/catalog/{type}", s.wrap(s.catalogType))          // console_catalog.go
	mux.HandleFunc("POST /console/catalog/{type}", s.wrap(s.catalogSave))         // console_catalog.go
	mux.HandleFunc("GET /console/subscriptions", s.wrap(s.subscriptionList))
	mux.HandleFunc("POST /console/subscriptions", s.wrap(s.subscriptionCreate))
	mux.HandleFunc("GET /console/subscriptions/{id}", s.wrap(s.subscriptionShow))
	mux.HandleFunc("POST /console/subscriptions/{id}/{op}", s.wrap(s.subscriptionAct))
	mux.HandleFunc("GET /console/boards", s.wrap(s.boardPage))
	mux.HandleFunc("POST /console/boards", s.wrap(s.boardSubmit))
	mux.HandleFunc("GET /console/settings/{name}", s.wrap(s.settingForm))          // console_settings.go
	mux.HandleFunc("POST /console/settings/{name}", s.wrap(s.settingSave))         // console_settings.go
	mux.HandleFunc("GET /console/supervision", s.wrap(s.supervisionPage))          // console_supervision.go
	mux.HandleFunc("GET /console/calendar", s.wrap(s.calendarPage))                // console_calendar.go
	mux.HandleFunc("POST /console/calendar/{year}/{op}", s.wrap(s.calendarChange)) // console_calendar.go
}

func (s *server) bridge() *api.Console { return api.NewConsole(s.API) }

// workFlash turns the ?done= marker of a redirect into a message.
func workFlash(r *http.Request) string {
	if m, ok := map[string]string{
		"revoked_record": "记录已撤销，已立即撤下公示。", "passed": "已审核通过。", "returned": "已退回。",
		"proposed": "已提出拟列入。", "notify": "已告知。", "activate": "已列入名单。", "exit": "已移出名单。",
		"sub_disable": "订阅已停用。", "sub_enable": "订阅已启用，将从未送达处继续推送。", "sub_redeliver": "已加入重新推送队列，结果见推送记录。",
		"board_published": "红黑榜已发布，门户“红黑榜”栏目可见。", "feedback": "执行反馈已保存。", "saved": "已保存。", "created_record": "记录已入库。",
		"corrected_record": "已作为更正版本入库，原版本保留在历史中。", "duplicate_record": "与已有记录完全相同，未重复入库。",
	}[r.URL.Query().Get("done")]; ok {
		return m
	}
	return flashOf(r)
}
