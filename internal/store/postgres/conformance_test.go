package postgres

import (
	"testing"

	"revue"
	"revue/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) revue.Store { return newStore(t) })
}

// TestSearchRelevance measures the relevance set (storetest.RunRelevance)
// on PostgreSQL; the floors are the measured figures less a margin.
func TestSearchRelevance(t *testing.T) {
	storetest.RunRelevance(t, newStore(t), storetest.RelevanceFloors{NDCG10: 0.55, MRR: 0.9})
}
