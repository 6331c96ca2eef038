// Numbers for people, in policyctl's views and the web view: sizes, durations, ages and progress.
// Pure functions of their arguments (the current time is passed in), so each rendering is exact and
// tested.
#ifndef POLICYD_HUMAN_UNITS_H_
#define POLICYD_HUMAN_UNITS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace policyd {

// IEC units: exact bytes below 1 KiB ("0 B", "1023 B"); above, one decimal below 10 of the
// unit ("1.0 KiB", "1.2 MiB", "9.9 GiB") and whole numbers from 10 ("10 KiB", "512 MiB"),
// rounded to nearest (a value that rounds up to 1024 of a unit is shown in the next one:
// 1048575 B is "1.0 MiB"). Up to EiB. Negative sizes keep their sign ("-1.5 KiB").
std::string HumanBytes(int64_t bytes);

// The two largest units, truncated (never rounded up to a whole that has not passed yet):
// "850ms", "12s", "3m 12s", "3m", "2h 5m", "2h", "3d 4h", "3d"; 0 is "0ms". Negative
// durations keep their sign ("-12s").
std::string HumanDuration(std::chrono::milliseconds duration);

// How long ago, in the largest unit only (truncated): "just now" (under a second), "12s ago",
// "5m ago", "2h ago", "3d ago". A negative age is in the future: "in 5m".
std::string HumanAge(std::chrono::milliseconds age);

// Progress as "done/total": "312/674".
std::string HumanCount(uint64_t done, uint64_t total);

}  // namespace policyd

#endif  // POLICYD_HUMAN_UNITS_H_
