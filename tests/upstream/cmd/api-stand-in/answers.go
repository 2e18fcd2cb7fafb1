package main

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

func failure(code int, reason, message string) answer {
	body, _ := json.Marshal(map[string]any{
		"kind": "Status", "apiVersion": "v1", "status": "Failure",
		"message": message, "reason": reason, "code": code,
	})
	return answer{code, body}
}

func (s *standIn) answer(r *http.Request) answer {
	key := r.Header.Get("Authorization") + "\x00" + r.URL.RequestURI()
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.answers[key]; ok {
		return a
	}
	a := s.compute(r)
	s.answers[key] = a
	return a
}

func (s *standIn) compute(r *http.Request) answer {
	parts := strings.Split(r.URL.Path, "/")
	if len(parts) != 6 || parts[1] != "api" || parts[2] != "v1" || parts[3] != "namespaces" ||
		parts[5] != "secrets" {
		return failure(404, "NotFound", "the server could not find the requested resource")
	}
	name := parts[4]
	ns, ok := s.namespaces[name]
	if !ok {
		return failure(404, "NotFound", "the server could not find the requested resource")
	}
	if r.Header.Get("Authorization") != "Bearer "+ns.Token {
		return failure(401, "Unauthorized", "Unauthorized")
	}
	query := r.URL.Query()
	selector := query.Get("fieldSelector")
	itemsKey := name + "\x00" + selector
	all, ok := s.items[itemsKey]
	if !ok {
		kept := []secret{}
		for _, item := range ns.Secrets {
			if selector == "" || selector == "type="+item.Type {
				kept = append(kept, item)
			}
		}
		sort.Slice(kept, func(i, j int) bool { return kept[i].Name < kept[j].Name })
		for _, item := range kept {
			data := map[string]string{}
			for k, v := range item.Data {
				data[k] = base64.StdEncoding.EncodeToString([]byte(v))
			}
			encoded, _ := json.Marshal(map[string]any{
				"kind": "Secret", "apiVersion": "v1", "type": item.Type, "data": data,
				"metadata": map[string]string{"name": item.Name, "namespace": name},
			})
			all = append(all, encoded)
		}
		s.items[itemsKey] = all
	}
	limit, _ := strconv.Atoi(query.Get("limit"))
	if limit <= 0 {
		limit = len(all)
	}
	offset, _ := strconv.Atoi(query.Get("continue"))
	offset = min(max(offset, 0), len(all))
	end := min(offset+limit, len(all))
	metadata := map[string]string{"resourceVersion": "1"}
	if end < len(all) {
		metadata = map[string]string{"continue": strconv.Itoa(end)}
	}
	items := all[offset:end]
	if items == nil {
		items = []json.RawMessage{}
	}
	body, _ := json.Marshal(map[string]any{
		"kind": "SecretList", "apiVersion": "v1", "metadata": metadata, "items": items,
	})
	return answer{200, body}
}
