package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"xinyong/internal/audit"
	"xinyong/internal/errs"
	"xinyong/internal/list"
	"xinyong/internal/record"
	"xinyong/internal/subject"
)

// Board is a published 红黑榜: entries added to and exited from public
// lists in a period, by domain.
type Board struct {
	ID          int64         `json:"id"`
	Title       string        `json:"title"`
	PeriodStart string        `json:"period_start"`
	PeriodEnd   string        `json:"period_end"` // inclusive
	Domains     []BoardDomain `json:"domains,omitempty"`
	Added       int           `json:"added"`
	Exited      int           `json:"exited"`
	PublishedBy string        `json:"published_by"`
	PublishedAt time.Time     `json:"published_at"`
}

// BoardDomain groups a board's items of one domain.
type BoardDomain struct {
	Domain     string      `json:"domain"`
	DomainName string      `json:"domain_name"`
	Red        []BoardItem `json:"red"`
	Black      []BoardItem `json:"black"`
}

// BoardItem is one entry on a board.
type BoardItem struct {
	Subject    string `json:"subject"`
	Name       string `json:"name"`
	ListType   string `json:"list_type"`
	ListName   string `json:"list_name"`
	Change     string `json:"change"` // "added" or "exited"
	Start      string `json:"start"`
	End        string `json:"end,omitempty"`
	ExitReason string `json:"exit_reason,omitempty"`
}

// PublishBoard compiles and stores the board of [start, end] (civil dates)
// from the entries of public list types.
func (s *Store) PublishBoard(ctx context.Context, title, start, end string, actor string) (Board, error) {
	b := Board{Title: title, PeriodStart: start, PeriodEnd: end, PublishedBy: actor}
	err := s.InTx(ctx, func(tx *Tx) error {
		err := tx.compileBoard(&b)
		if err != nil {
			return err
		}
		body, _ := json.Marshal(b.Domains)
		now := tx.s.Now()
		b.PublishedAt = now
		b.ID, err = tx.insertID(`INSERT INTO boards (title, period_start, period_end, body, published_by, published_at) VALUES (?,?,?,?,?,?)`, title, start, end, string(body), actor, micros(now))
		if err != nil {
			return fmt.Errorf("insert board: %w", err)
		}
		return tx.Audit(audit.Event{Actor: actor, Action: "board.publish", Object: fmt.Sprintf("board:%d", b.ID), Detail: fmt.Sprintf("%s~%s 新增 %d 移出 %d", start, end, b.Added, b.Exited)})
	})
	return b, err
}

// Boards lists published boards, newest first, without their items.
func (s *Store) Boards(ctx context.Context, before int64, limit int) ([]Board, error) {
	rows, err := s.query(ctx, `SELECT id, title, period_start, period_end, published_by, published_at FROM boards WHERE (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?`, before, before, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Board
	for rows.Next() {
		var b Board
		var at int64
		if err := rows.Scan(&b.ID, &b.Title, &b.PeriodStart, &b.PeriodEnd, &b.PublishedBy, &at); err != nil {
			return nil, err
		}
		b.PublishedAt = fromMicros(at)
		out = append(out, b)
	}
	return out, rows.Err()
}

// Board returns one board with its items.
func (s *Store) Board(ctx context.Context, id int64) (Board, error) {
	var b Board
	var at int64
	var body string
	err := s.queryRow(ctx, `SELECT id, title, period_start, period_end, body, published_by, published_at FROM boards WHERE id = ?`, id).
		Scan(&b.ID, &b.Title, &b.PeriodStart, &b.PeriodEnd, &body, &b.PublishedBy, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return b, errs.NotFound("board.not_found", fmt.Sprintf("未找到红黑榜 %d", id))
	} else if err != nil {
		return b, err
	}
	b.PublishedAt = fromMicros(at)
	if err := json.Unmarshal([]byte(body), &b.Domains); err != nil {
		return b, err
	}
	for _, d := range b.Domains {
		for _, it := range append(append([]BoardItem{}, d.Red...), d.Black...) {
			if it.Change == "added" {
				b.Added++
			} else {
				b.Exited++
			}
		}
	}
	return b, nil
}

// compileBoard fills b's domains and counts from the entries of public list
// types added or exited in [b.PeriodStart, b.PeriodEnd].
func (tx *Tx) compileBoard(b *Board) error {
	start, end := b.PeriodStart, b.PeriodEnd
	types := map[string]list.Type{}
	rows, err := tx.query(`SELECT body FROM list_types`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var body string
		var t list.Type
		if err := rows.Scan(&body); err == nil && json.Unmarshal([]byte(body), &t) == nil {
			types[t.Code] = t
		}
	}
	rows.Close()
	loc := time.FixedZone("CST", 8*3600)
	from, _ := time.ParseInLocation(time.DateOnly, start, loc)
	to, _ := time.ParseInLocation(time.DateOnly, end, loc)
	to = to.AddDate(0, 0, 1)
	endExcl := to.Format(time.DateOnly)
	rows, err = tx.query(`SELECT `+entryCols+entryFrom+` WHERE e.activated_at IS NOT NULL AND ((e.activated_at >= ? AND e.activated_at < ?) OR (e.exited_at >= ? AND e.exited_at < ?)
		OR (e.state = 'active' AND e.end_date >= ? AND e.end_date < ?)) ORDER BY e.id`, micros(from), micros(to), micros(from), micros(to), start, endExcl)
	if err != nil {
		return fmt.Errorf("board entries: %w", err)
	}
	byDomain := map[string]*BoardDomain{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return err
		}
		t, ok := types[e.ListType]
		if !ok || !t.Public {
			continue
		}
		name := e.SubjectName
		if subject.IsPersonCode(e.SubjectCode) {
			name = record.MaskName(name) // boards are public: persons by surname only
		}
		item := BoardItem{Subject: e.SubjectCode, Name: name, ListType: e.ListType, ListName: t.Name, Change: "added", Start: e.Start, End: e.End}
		if act := e.ActivatedAt; act.Before(from) || !act.Before(to) {
			item.Change, item.ExitReason = "exited", e.ExitReason.Label()
			if e.State == list.Active {
				item.ExitReason = list.ExitExpiry.Label()
			}
			b.Exited++
		} else {
			b.Added++
		}
		d := byDomain[e.Domain]
		if d == nil {
			name, _ := list.DomainName(e.Domain)
			d = &BoardDomain{Domain: e.Domain, DomainName: name, Red: []BoardItem{}, Black: []BoardItem{}}
			byDomain[e.Domain] = d
		}
		if e.Kind == list.Red {
			d.Red = append(d.Red, item)
		} else {
			d.Black = append(d.Black, item)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range byDomain {
		b.Domains = append(b.Domains, *d)
	}
	sort.Slice(b.Domains, func(i, j int) bool { return b.Domains[i].Domain < b.Domains[j].Domain })
	return nil
}
