import numpy as np
import pytest

from retrieval.search import fuse_rankings


def test_fusion_puts_a_chunk_ranked_well_by_both_first():
    dense = np.array([7, 1, 2])
    lexical = np.array([3, 1, 4])
    fused = fuse_rankings([(dense, 1.0), (lexical, 1.0)], rrf_k=60)
    assert max(fused, key=fused.get) == 1


def test_fusion_weight_zero_ignores_that_ranking():
    fused = fuse_rankings([(np.array([5, 6]), 0.0), (np.array([6, 5]), 1.0)], rrf_k=60)
    assert fused[6] > fused[5] > 0


def test_fusion_leaves_out_chunks_only_a_zero_weight_ranking_found():
    fused = fuse_rankings([(np.array([5, 6]), 0.0), (np.array([], dtype=np.int64), 1.0)], rrf_k=60)
    assert fused == {}


@pytest.mark.parametrize("rrf_k", [1, 60])
def test_fusion_score_is_weighted_reciprocal_rank(rrf_k):
    fused = fuse_rankings([(np.array([9]), 2.0)], rrf_k=rrf_k)
    assert fused[9] == pytest.approx(2.0 / (rrf_k + 1))
