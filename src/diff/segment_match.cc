#include "src/diff/segment_match.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

#include "src/diff/reader_words.h"

namespace policyd::diff_internal {
namespace {

constexpr uint64_t kMaxCost = std::numeric_limits<uint64_t>::max();

// Shared words of one compared pair: (position on the other side, shared words).
using Shares = std::vector<std::pair<std::size_t, std::size_t>>;

struct Candidate {
  SegmentGroup group;
  double score = 0;  // Dice coefficient of the group's two sides
};

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
      const uint64_t pair_cost = (last - first + 1) * news_[j]->size() +
                                 (old_prefix_[last + 1] - old_prefix_[first]) + (last - first + 1);
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
        by_old_[i].emplace_back(j, shared);  // j ascending
        by_new_[j].emplace_back(i, shared);  // i ascending
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

// Candidates where one segment of `whole_side` was cut into consecutive parts of the other
// side (a split when the whole is old, a merge when it is new). `shares[w]` lists the parts
// sharing words with whole w, in order.
void AddPartitions(const std::vector<const WordBag*>& wholes,
                   const std::vector<const WordBag*>& parts, const std::vector<Shares>& shares,
                   bool whole_is_old, StepBudget* budget, bool* approximate,
                   std::vector<Candidate>* candidates) {
  for (std::size_t w = 0; w < wholes.size(); ++w) {
    const Shares& list = shares[w];
    const std::size_t whole_size = wholes[w]->size();
    // A partition is only worth its cost when it could beat the best single part: its Dice
    // is at most 2 min(|whole|, Σ shared) / (|whole| + Σ |part|), known without merging.
    double best_single = 0;
    for (const auto& [k, shared] : list) {
      best_single = std::max(best_single, Dice(shared, whole_size, parts[k]->size()));
    }
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
        Candidate candidate;
        candidate.score = score;
        std::vector<std::size_t> members;
        std::size_t keeper = 0;
        for (std::size_t k = start; k <= end; ++k) {
          members.push_back(list[k].first);
          if (list[k].second > list[start + keeper].second) keeper = k - start;
        }
        candidate.group.keeper = keeper;
        if (whole_is_old) {
          candidate.group.kind = SegmentChangeKind::kSplit;
          candidate.group.olds = {w};
          candidate.group.news = std::move(members);
        } else {
          candidate.group.kind = SegmentChangeKind::kMerged;
          candidate.group.olds = std::move(members);
          candidate.group.news = {w};
        }
        candidates->push_back(std::move(candidate));
      }
    }
  }
}

// Best first; on a tie, fewer parts, then the earlier new and old segments (a total order on
// distinct groups, so the choice never depends on the sort).
bool Better(const Candidate& a, const Candidate& b) {
  const std::size_t a_parts = a.group.olds.size() + a.group.news.size();
  const std::size_t b_parts = b.group.olds.size() + b.group.news.size();
  return std::tie(b.score, a_parts, a.group.news, a.group.olds) <
         std::tie(a.score, b_parts, b.group.news, b.group.olds);
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
                                   bool* approximate) {
  std::vector<SegmentGroup> groups;
  if (olds.empty() || news.empty()) return groups;
  PairTable table(olds, news);
  std::size_t width = 0;
  if (!ChooseBand(table, olds.size(), news.size(), budget, approximate, &width)) return groups;
  table.Compare(Band(olds.size(), news.size(), width));

  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < olds.size(); ++i) {
    for (const auto& [j, shared] : table.by_old()[i]) {
      const double score = Dice(shared, olds[i]->size(), news[j]->size());
      if (score >= kSegmentSimilarity) {
        candidates.push_back({{SegmentChangeKind::kModified, {i}, {j}, 0}, score});
      }
    }
  }
  AddPartitions(olds, news, table.by_old(), /*whole_is_old=*/true, budget, approximate,
                &candidates);
  AddPartitions(news, olds, table.by_new(), /*whole_is_old=*/false, budget, approximate,
                &candidates);
  std::sort(candidates.begin(), candidates.end(), Better);

  std::vector<bool> old_used(olds.size(), false);
  std::vector<bool> new_used(news.size(), false);
  for (Candidate& candidate : candidates) {
    const auto used = [](const std::vector<std::size_t>& members, const std::vector<bool>& flags) {
      return std::any_of(members.begin(), members.end(), [&](std::size_t k) { return flags[k]; });
    };
    if (used(candidate.group.olds, old_used) || used(candidate.group.news, new_used)) continue;
    for (const std::size_t i : candidate.group.olds) old_used[i] = true;
    for (const std::size_t j : candidate.group.news) new_used[j] = true;
    groups.push_back(std::move(candidate.group));
  }
  return groups;
}

}  // namespace policyd::diff_internal
