package calendar

// Seed returns the national holiday arrangements for 2024, 2025 and 2026:
// every day off (including the weekend days inside a holiday block, so the UI
// can name them) and every 调休 make-up workday. The result is a fresh slice.
//
// Sources (国务院办公厅关于XXXX年部分节假日安排的通知):
//   - 2024: 国办发明电〔2023〕7号, issued 2023-10-25.
//   - 2025: 国办发明电〔2024〕12号, issued 2024-11-12. From 2025 the revised
//     《全国年节及纪念日放假办法》 adds one statutory day each to 春节 (now
//     from 除夕) and 劳动节, and the notice sets new 调休 principles: 春节 8
//     days from 除夕, 国庆节 7 days (8 when merged with 中秋节), 劳动节 5
//     days, the others 3 days, or only the day itself when it is a Wednesday
//     (2025 元旦 is 1 day with no 调休).
//   - 2026: notice dated 2025-11-04 (text checked against Xinhua copies); the
//     number 国办发明电〔2025〕7号 is taken from secondary sources.
//
// Note: 2024-02-09 (除夕, a Friday) is officially a working day; the notice
// only encourages employers to give it off.
func Seed() []Override {
	var s seeder
	// 2024 — 国办发明电〔2023〕7号
	s.off("元旦", "2024-01-01", "2024-01-01")
	s.off("春节", "2024-02-10", "2024-02-17")
	s.work("春节", "2024-02-04", "2024-02-18")
	s.off("清明节", "2024-04-04", "2024-04-06")
	s.work("清明节", "2024-04-07")
	s.off("劳动节", "2024-05-01", "2024-05-05")
	s.work("劳动节", "2024-04-28", "2024-05-11")
	s.off("端午节", "2024-06-10", "2024-06-10")
	s.off("中秋节", "2024-09-15", "2024-09-17")
	s.work("中秋节", "2024-09-14")
	s.off("国庆节", "2024-10-01", "2024-10-07")
	s.work("国庆节", "2024-09-29", "2024-10-12")

	// 2025 — 国办发明电〔2024〕12号
	s.off("元旦", "2025-01-01", "2025-01-01")
	s.off("春节", "2025-01-28", "2025-02-04")
	s.work("春节", "2025-01-26", "2025-02-08")
	s.off("清明节", "2025-04-04", "2025-04-06")
	s.off("劳动节", "2025-05-01", "2025-05-05")
	s.work("劳动节", "2025-04-27")
	s.off("端午节", "2025-05-31", "2025-06-02")
	s.off("国庆节、中秋节", "2025-10-01", "2025-10-08")
	s.work("国庆节、中秋节", "2025-09-28", "2025-10-11")

	// 2026 — 国务院办公厅 2025-11-04 notice (国办发明电〔2025〕7号)
	s.off("元旦", "2026-01-01", "2026-01-03")
	s.work("元旦", "2026-01-04")
	s.off("春节", "2026-02-15", "2026-02-23")
	s.work("春节", "2026-02-14", "2026-02-28")
	s.off("清明节", "2026-04-04", "2026-04-06")
	s.off("劳动节", "2026-05-01", "2026-05-05")
	s.work("劳动节", "2026-05-09")
	s.off("端午节", "2026-06-19", "2026-06-21")
	s.off("中秋节", "2026-09-25", "2026-09-27")
	s.off("国庆节", "2026-10-01", "2026-10-07")
	s.work("国庆节", "2026-09-20", "2026-10-10")
	return s.out
}

type seeder struct{ out []Override }

func (s *seeder) off(name, from, to string) {
	a, b := MustParseDate(from), MustParseDate(to)
	for d := a; !d.After(b); d = d.AddDays(1) {
		s.out = append(s.out, Override{Date: d, Kind: Holiday, Name: name})
	}
}

func (s *seeder) work(name string, dates ...string) {
	for _, x := range dates {
		s.out = append(s.out, Override{Date: MustParseDate(x), Kind: Workday, Name: name})
	}
}
