#include "src/diff/segment_match.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

#include "src/diff/reader_words.h"

namespace policyd::diff_internal {
namespace {

constexpr uint64_t kMaxCost = std::numeric_limits<uint64_t>::max();

// What comparing one pair costs beyond the words of both: the loop, and the memory of a
// pair that shares words. It bounds the pairs of a gap of tiny segments.
constexpr uint64_t kPairCost = 16;

// Shared words of the pairs compared with one segment: (position on the other side, shared
// words). 32 bits: a gap has fewer segments than a stored text has bytes.
using Shares = std::vector<std::pair<uint32_t, uint32_t>>;

// A possible group, compact (a gap may have a million of them): its segments are the
// consecutive positions [old_first, old_first + old_count) and the same for new ones.
struct Candidate {
  double score = 0;  // Dice coefficient of the group's two sides
  SegmentChangeKind kind = SegmentChangeKind::kModified;
  uint32_t old_first = 0;
  uint32_t old_count = 1;
  uint32_t new_first = 0;
  uint32_t new_count = 1;
  uint32_t keeper = 0;  // as in SegmentGroup
};

// Most of the smaller of two segments is in the larger one: the larger continues it (a
// paragraph that gained or lost a sentence), which a Dice of 0.5 alone does not say.
constexpr double kContinuation = 0.8;
bool Continues(std::size_t shared, std::size_t a_size, std::size_t b_size) {
  return static_cast<double>(shared) >=
         kContinuation * static_cast<double>(std::min(a_size, b_size));
}

double Dice(std::size_t shared, std::size_t a_size, std::size_t b_size) {
  return a_size + b_size == 0
             ? 0.0
             : 2.0 * static_cast<double>(shared) / static_cast<double>(a_size + b_size);
}

WordBag Merged(const WordBag& a, const WordBag& b) {
  WordBag merged;
  merged.reserve(a.size() + b.size());
  std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(merged));
  return merged;
}

// Which old segments each new one is compared with: those within `width` positions of its
// proportional place in the gap (all of them when width >= the old count).
class Band {
 public:
  Band(std::size_t old_count, std::size_t new_count, std::size_t width)
      : old_count_(old_count), new_count_(new_count), width_(width) {}
  std::size_t First(std::size_t j) const { return Center(j) > width_ ? Center(j) - width_ : 0; }
  std::size_t Last(std::size_t j) const {  // inclusive
    return std::min(old_count_ - 1, Center(j) + std::min(width_, old_count_));
  }

 private:
  std::size_t Center(std::size_t j) const {
    return static_cast<std::size_t>((2 * static_cast<uint64_t>(j) + 1) * old_count_ /
                                    (2 * static_cast<uint64_t>(new_count_)));
  }
  std::size_t old_count_;
  std::size_t new_count_;
  std::size_t width_;
};

// The comparisons of one gap: their cost, and the words each pair shares.
class PairTable {
 public:
  PairTable(const std::vector<const WordBag*>& olds, const std::vector<const WordBag*>& news)
      : olds_(olds), news_(news), by_old_(olds.size()), by_new_(news.size()) {
    old_prefix_.push_back(0);
    for (const WordBag* bag : olds) old_prefix_.push_back(old_prefix_.back() + bag->size());
  }

  // The words compared when every new segment is compared with the old ones in `band`.
  uint64_t Cost(const Band& band) const {
    uint64_t cost = 0;
    for (std::size_t j = 0; j < news_.size(); ++j) {
      const std::size_t first = band.First(j);
      const std::size_t last = band.Last(j);
      const uint64_t pair_cost = (last - first + 1) * (news_[j]->size() + kPairCost) +
                                 (old_prefix_[last + 1] - old_prefix_[first]);
      if (pair_cost > kMaxCost - cost) return kMaxCost;
      cost += pair_cost;
    }
    return cost;
  }

  void Compare(const Band& band) {
    for (std::size_t j = 0; j < news_.size(); ++j) {
      for (std::size_t i = band.First(j); i <= band.Last(j); ++i) {
        const std::size_t shared = SharedWords(*olds_[i], *news_[j]);
        if (shared == 0) continue;
        by_old_[i].emplace_back(static_cast<uint32_t>(j), static_cast<uint32_t>(shared));
        by_new_[j].emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(shared));
      }
    }
  }

  const std::vector<Shares>& by_old() const { return by_old_; }
  const std::vector<Shares>& by_new() const { return by_new_; }

 private:
  const std::vector<const WordBag*>& olds_;
  const std::vector<const WordBag*>& news_;
  std::vector<uint64_t> old_prefix_;  // old_prefix_[i]: words of olds [0, i)
  std::vector<Shares> by_old_;
  std::vector<Shares> by_new_;
};

// The widest band whose comparisons fit in `budget` (spent), or false when none does.
bool ChooseBand(const PairTable& table, std::size_t old_count, std::size_t new_count,
                StepBudget* budget, bool* approximate, std::size_t* width) {
  if (budget->TrySpend(table.Cost(Band(old_count, new_count, old_count)))) {
    *width = old_count;
    return true;
  }
  *approximate = true;
  if (table.Cost(Band(old_count, new_count, 0)) > budget->remaining()) return false;
  std::size_t low = 0;           // fits
  std::size_t high = old_count;  // does not fit
  while (high - low > 1) {
    const std::size_t mid = low + (high - low) / 2;
    (table.Cost(Band(old_count, new_count, mid)) <= budget->remaining() ? low : high) = mid;
  }
  budget->TrySpend(table.Cost(Band(old_count, new_count, low)));
  *width = low;
  return true;
}

// A partition is only worth its cost when it could beat the best single part: the Dice of
// whole `whole_size` with the part of `list` (the parts sharing its words) that matches best.
double BestSingleDice(const Shares& list, std::size_t whole_size,
                      const std::vector<const WordBag*>& parts) {
  double best = 0;
  for (const auto& [k, shared] : list) {
    best = std::max(best, Dice(shared, whole_size, parts[k]->size()));
  }
  return best;
}

// Whole `w` cut into the parts list[start..end] (a split when the whole is old, a merge when
// it is new); the keeper, which keeps the whole's id, is the part sharing most of its words.
Candidate PartitionCandidate(const Shares& list, std::size_t w, std::size_t start, std::size_t end,
                             double score, bool whole_is_old) {
  std::size_t keeper = start;
  for (std::size_t k = start + 1; k <= end; ++k) {
    if (list[k].second > list[keeper].second) keeper = k;
  }
  Candidate candidate;
  candidate.score = score;
  candidate.keeper = static_cast<uint32_t>(keeper - start);
  const uint32_t first = list[start].first;
  const auto count = static_cast<uint32_t>(end - start + 1);
  if (whole_is_old) {
    candidate.kind = SegmentChangeKind::kSplit;
    candidate.old_first = static_cast<uint32_t>(w);
    candidate.new_first = first;
    candidate.new_count = count;
  } else {
    candidate.kind = SegmentChangeKind::kMerged;
    candidate.old_first = first;
    candidate.old_count = count;
    candidate.new_first = static_cast<uint32_t>(w);
  }
  return candidate;
}

// Candidates where one segment of `wholes` was cut into consecutive segments of `parts`.
// `shares[w]` lists the parts sharing words with whole w, in order.
void AddPartitions(const std::vector<const WordBag*>& wholes,
                   const std::vector<const WordBag*>& parts, const std::vector<Shares>& shares,
                   bool whole_is_old, StepBudget* budget, bool* approximate,
                   std::vector<Candidate>* candidates) {
  for (std::size_t w = 0; w < wholes.size(); ++w) {
    const Shares& list = shares[w];
    const std::size_t whole_size = wholes[w]->size();
    // Its Dice is at most 2 min(|whole|, Σ shared) / (|whole| + Σ |part|), known without
    // merging.
    const double best_single = BestSingleDice(list, whole_size, parts);
    // Runs of consecutive parts that mostly consist of the whole's words.
    const auto is_part = [&](std::size_t k) {
      const std::size_t part_size = parts[list[k].first]->size();
      return static_cast<double>(list[k].second) >=
             kSegmentPartContainment * static_cast<double>(part_size);
    };
    for (std::size_t start = 0; start < list.size(); ++start) {
      if (!is_part(start)) continue;
      WordBag combined = *parts[list[start].first];
      std::size_t shared_sum = list[start].second;
      for (std::size_t end = start + 1; end < list.size() && end - start < kMaxSegmentParts;
           ++end) {
        if (list[end].first != list[end - 1].first + 1 || !is_part(end)) break;
        const WordBag& next = *parts[list[end].first];
        shared_sum += list[end].second;
        const double bound =
            Dice(std::min(whole_size, shared_sum), whole_size, combined.size() + next.size());
        // Past the whole's size in shared words, more parts only lower the bound.
        if (bound <= best_single && shared_sum >= whole_size) break;
        if (!budget->TrySpend(combined.size() + next.size() + whole_size)) {
          *approximate = true;
          return;
        }
        combined = Merged(combined, next);
        if (bound <= best_single) continue;
        const double score = Dice(SharedWords(*wholes[w], combined), whole_size, combined.size());
        if (score < kSegmentSimilarity) continue;
        candidates->push_back(PartitionCandidate(list, w, start, end, score, whole_is_old));
      }
    }
  }
}

// Best first; on a tie, fewer parts, then the earlier new and old segments (a total order on
// distinct groups, so the choice never depends on the sort).
bool Better(const Candidate& a, const Candidate& b) {
  const uint32_t a_parts = a.old_count + a.new_count;
  const uint32_t b_parts = b.old_count + b.new_count;
  return std::tie(b.score, a_parts, a.new_first, a.new_count, a.old_first, a.old_count) <
         std::tie(a.score, b_parts, b.new_first, b.new_count, b.old_first, b.old_count);
}

// Marks the positions [first, first + count) used, unless one of them already is.
bool TakeRange(uint32_t first, uint32_t count, std::vector<bool>* used) {
  for (uint32_t k = first; k < first + count; ++k) {
    if ((*used)[k]) return false;
  }
  for (uint32_t k = first; k < first + count; ++k) (*used)[k] = true;
  return true;
}

std::vector<std::size_t> Range(uint32_t first, uint32_t count) {
  std::vector<std::size_t> positions;
  for (uint32_t k = first; k < first + count; ++k) positions.push_back(k);
  return positions;
}

// The parts of a split or merge (`positions` in `parts`) that bring at least
// kSegmentPartContainment of their words that `whole` has and the other parts do not; the
// part at `keeper` always stays. A clause of common words ("we", "your", "data") inserted
// between two parts that hold all of the whole between them is no part of it: it is a new
// clause, left for the other candidates (the parts are candidates as a run of neighbours).
// All of them when the budget runs out (*approximate set).
std::vector<std::size_t> PartsWithWordsOfTheirOwn(const WordBag& whole,
                                                  const std::vector<const WordBag*>& parts,
                                                  const std::vector<std::size_t>& positions,
                                                  std::size_t keeper, StepBudget* budget,
                                                  bool* approximate) {
  std::vector<std::size_t> kept;
  WordBag all;
  for (const std::size_t p : positions) all = Merged(all, *parts[p]);
  const std::size_t shared_all = SharedWords(whole, all);
  for (const std::size_t k : positions) {
    WordBag others;
    for (const std::size_t p : positions) {
      if (p != k) others = Merged(others, *parts[p]);
    }
    if (!budget->TrySpend(others.size() + whole.size() + 16)) {
      *approximate = true;
      return positions;
    }
    const std::size_t own = shared_all - SharedWords(whole, others);
    if (k == positions[keeper] ||
        static_cast<double>(own) >=
            kSegmentPartContainment * static_cast<double>(parts[k]->size())) {
      kept.push_back(k);
    }
  }
  return kept;
}

// For each segment of `side`, the segment of `other` it matches best as a modification (Dice
// at least kSegmentSimilarity; the first on a tie), or kNoPartner. `shares[i]` lists the
// segments of `other` sharing words with side[i], in order.
constexpr uint32_t kNoPartner = std::numeric_limits<uint32_t>::max();
std::vector<uint32_t> BestModifiedPartners(const std::vector<const WordBag*>& side,
                                           const std::vector<const WordBag*>& other,
                                           const std::vector<Shares>& shares) {
  std::vector<uint32_t> partners(side.size(), kNoPartner);
  for (std::size_t i = 0; i < side.size(); ++i) {
    double best = kSegmentSimilarity;
    for (const auto& [k, shared] : shares[i]) {
      const double score = Dice(shared, side[i]->size(), other[k]->size());
      if (score > best || (score == best && partners[i] == kNoPartner)) {
        best = score;
        partners[i] = k;
      }
    }
  }
  return partners;
}

// The parts of a split or merge (`positions` in `parts`) that continue another segment of
// `wholes`: one not yet in a group, other than `whole`, whose best modification the part is
// and which is mostly in it (Continues). Such a part is that segment edited (a sentence moved
// into it from the whole), not a piece of the whole, even when most of its words came from the
// whole: a paragraph that receives a longer sentence from its neighbour keeps its id, as the
// Dice rule says.
std::vector<std::size_t> PartsContinuingAnother(const std::vector<std::size_t>& positions,
                                                std::size_t whole,
                                                const std::vector<const WordBag*>& wholes,
                                                const std::vector<const WordBag*>& parts,
                                                const std::vector<Shares>& part_shares,
                                                const std::vector<uint32_t>& best_partners,
                                                const std::vector<bool>& whole_side_used) {
  std::vector<std::size_t> continuing;
  for (const std::size_t part : positions) {
    for (const auto& [other, shared] : part_shares[part]) {
      if (other != whole && !whole_side_used[other] && best_partners[other] == part &&
          Continues(shared, wholes[other]->size(), parts[part]->size())) {
        continuing.push_back(part);
        break;
      }
    }
  }
  return continuing;
}

// Which segment left unmatched continues `segment` best as a modification: the one of
// `shares` (its pairs) not `used` with the highest Dice of at least kSegmentSimilarity, of
// those that continue it or that it continues (Continues).
struct Continuation {
  uint32_t position = kNoPartner;
  double score = 0;
};
Continuation BestUnmatched(const WordBag& segment, const Shares& shares,
                           const std::vector<const WordBag*>& other,
                           const std::vector<bool>& used) {
  Continuation best;
  for (const auto& [k, shared] : shares) {
    if (used[k]) continue;
    if (!Continues(shared, segment.size(), other[k]->size())) continue;
    const double score = Dice(shared, segment.size(), other[k]->size());
    if (score >= kSegmentSimilarity && (best.position == kNoPartner || score > best.score)) {
      best = {k, score};
    }
  }
  return best;
}

// One gap's segments and comparisons, and which segments are grouped so far.
struct Gap {
  const std::vector<const WordBag*>& olds;
  const std::vector<const WordBag*>& news;
  const PairTable& table;
  std::vector<uint32_t> old_partners;  // BestModifiedPartners of each old segment
  std::vector<uint32_t> new_partners;  // and of each new one
  std::vector<bool> old_used;
  std::vector<bool> new_used;
};

// The modification, split and merge candidates of the gap, best first.
std::vector<Candidate> Candidates(const Gap& gap, bool one_to_one, StepBudget* budget,
                                  bool* approximate) {
  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < gap.olds.size(); ++i) {
    for (const auto& [j, shared] : gap.table.by_old()[i]) {
      const double score = Dice(shared, gap.olds[i]->size(), gap.news[j]->size());
      if (score >= kSegmentSimilarity) {
        candidates.push_back(
            {score, SegmentChangeKind::kModified, static_cast<uint32_t>(i), 1, j, 1, 0});
      }
    }
  }
  if (!one_to_one) {
    AddPartitions(gap.olds, gap.news, gap.table.by_old(), /*whole_is_old=*/true, budget,
                  approximate, &candidates);
    AddPartitions(gap.news, gap.olds, gap.table.by_new(), /*whole_is_old=*/false, budget,
                  approximate, &candidates);
  }
  std::sort(candidates.begin(), candidates.end(), Better);
  return candidates;
}

// A split's or merge's `group`, just taken, without the parts that are no parts of it: those
// that continue another segment (PartsContinuingAnother) and those that bring too few words of
// their own (PartsWithWordsOfTheirOwn); they are free again. False, with every segment of the
// group free again, when the part that would keep the whole's id continues another segment.
bool TrimPartition(uint32_t keeper, Gap* gap, SegmentGroup* group, StepBudget* budget,
                   bool* approximate) {
  const bool split = group->kind == SegmentChangeKind::kSplit;
  std::vector<std::size_t>& positions = split ? group->news : group->olds;
  std::vector<bool>& parts_used = split ? gap->new_used : gap->old_used;
  const std::vector<const WordBag*>& wholes = split ? gap->olds : gap->news;
  const std::vector<const WordBag*>& parts = split ? gap->news : gap->olds;
  const std::size_t keeper_position = positions[keeper];
  const std::size_t whole = split ? group->olds[0] : group->news[0];
  const std::vector<std::size_t> continuing = PartsContinuingAnother(
      positions, whole, wholes, parts, split ? gap->table.by_new() : gap->table.by_old(),
      split ? gap->old_partners : gap->new_partners, split ? gap->old_used : gap->new_used);
  const auto is_continuing = [&continuing](std::size_t p) {
    return std::find(continuing.begin(), continuing.end(), p) != continuing.end();
  };
  if (is_continuing(keeper_position)) {
    // Another clause edited: no split or merge here; the whole's own modification, if any, is
    // among the later candidates.
    for (const std::size_t p : group->olds) gap->old_used[p] = false;
    for (const std::size_t p : group->news) gap->new_used[p] = false;
    return false;
  }
  std::vector<std::size_t> own_parts;
  for (const std::size_t p : positions) {
    if (!is_continuing(p)) own_parts.push_back(p);
  }
  const auto own_keeper = static_cast<std::size_t>(
      std::find(own_parts.begin(), own_parts.end(), keeper_position) - own_parts.begin());
  std::vector<std::size_t> kept =
      PartsWithWordsOfTheirOwn(*wholes[whole], parts, own_parts, own_keeper, budget, approximate);
  for (const std::size_t p : positions) {  // the others are free again
    if (std::find(kept.begin(), kept.end(), p) == kept.end()) parts_used[p] = false;
  }
  positions = std::move(kept);
  group->keeper = static_cast<std::size_t>(
      std::find(positions.begin(), positions.end(), keeper_position) - positions.begin());
  if (positions.size() == 1) {
    group->kind = SegmentChangeKind::kModified;
    group->keeper = 0;
  }
  return true;
}

// Two clauses kept instead of one. Taken best first, the pairs can cross: when a sentence moves
// from one paragraph into its neighbour, the donor paired with the receiver can score highest,
// and the two paragraphs that each kept most of their words are left removed and added. A
// modification (i, j) whose old segment an unmatched new segment j' continues, and whose new
// segment continues an unmatched old segment i', both as modifications (Dice at least
// kSegmentSimilarity) in which one side holds most of the other, becomes (i, j') and (i', j).
// A clause rewritten into another that merely shares half its words with two leftovers stays
// where its words went.
void UncrossModifications(Gap* gap, std::vector<SegmentGroup>* groups) {
  std::vector<SegmentGroup> added;
  for (SegmentGroup& group : *groups) {
    if (group.kind != SegmentChangeKind::kModified) continue;
    const std::size_t i = group.olds[0];
    const std::size_t j = group.news[0];
    const Continuation new_for_old =
        BestUnmatched(*gap->olds[i], gap->table.by_old()[i], gap->news, gap->new_used);
    const Continuation old_for_new =
        BestUnmatched(*gap->news[j], gap->table.by_new()[j], gap->olds, gap->old_used);
    if (new_for_old.position == kNoPartner || old_for_new.position == kNoPartner) continue;
    group.news[0] = new_for_old.position;
    gap->new_used[new_for_old.position] = true;
    gap->old_used[old_for_new.position] = true;
    added.push_back({SegmentChangeKind::kModified, {old_for_new.position}, {j}, 0});
  }
  for (SegmentGroup& group : added) groups->push_back(std::move(group));
}

}  // namespace

WordBag WordNumbers::BagOf(std::string_view content) {
  WordBag bag;
  for (std::string& word : FoldedWords(ReaderText(content))) {
    const auto [it, inserted] =
        numbers_.try_emplace(std::move(word), static_cast<uint32_t>(numbers_.size()));
    bag.push_back(it->second);
  }
  std::sort(bag.begin(), bag.end());
  return bag;
}

std::size_t SharedWords(const WordBag& a, const WordBag& b) {
  std::size_t shared = 0;
  for (auto x = a.begin(), y = b.begin(); x != a.end() && y != b.end();) {
    if (*x < *y) {
      ++x;
    } else if (*y < *x) {
      ++y;
    } else {
      ++shared;
      ++x;
      ++y;
    }
  }
  return shared;
}

std::vector<SegmentGroup> MatchGap(const std::vector<const WordBag*>& olds,
                                   const std::vector<const WordBag*>& news, StepBudget* budget,
                                   bool* approximate, bool one_to_one) {
  std::vector<SegmentGroup> groups;
  if (olds.empty() || news.empty()) return groups;
  PairTable table(olds, news);
  std::size_t width = 0;
  if (!ChooseBand(table, olds.size(), news.size(), budget, approximate, &width)) return groups;
  table.Compare(Band(olds.size(), news.size(), width));
  Gap gap{olds,
          news,
          table,
          BestModifiedPartners(olds, news, table.by_old()),
          BestModifiedPartners(news, olds, table.by_new()),
          std::vector<bool>(olds.size(), false),
          std::vector<bool>(news.size(), false)};

  for (const Candidate& candidate : Candidates(gap, one_to_one, budget, approximate)) {
    // Both ranges free, or neither is taken.
    bool free = TakeRange(candidate.old_first, candidate.old_count, &gap.old_used);
    if (free && !TakeRange(candidate.new_first, candidate.new_count, &gap.new_used)) {
      for (uint32_t k = 0; k < candidate.old_count; ++k) {
        gap.old_used[candidate.old_first + k] = false;
      }
      free = false;
    }
    if (!free) continue;
    SegmentGroup group{candidate.kind, Range(candidate.old_first, candidate.old_count),
                       Range(candidate.new_first, candidate.new_count), candidate.keeper};
    if (candidate.kind != SegmentChangeKind::kModified &&
        !TrimPartition(candidate.keeper, &gap, &group, budget, approximate)) {
      continue;
    }
    groups.push_back(std::move(group));
  }
  UncrossModifications(&gap, &groups);
  return groups;
}

}  // namespace policyd::diff_internal
