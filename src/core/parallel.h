// Work on the items of a range split over the cores, for output that takes long on a
// big store (findings' texts, digest rows, the 80-column view). Each item is written by
// exactly one thread, so the caller's result does not depend on how it was split.
#ifndef DMARCQ_CORE_PARALLEL_H_
#define DMARCQ_CORE_PARALLEL_H_

#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace dmarcq::core {

// Calls work(begin, end) over [0, count) in contiguous shares, one per core (at most
// 8); below 2,000 items, once on the calling thread, as threads would cost more.
template <typename Work>
void for_each_share(std::size_t count, Work work) {
  const std::size_t threads =
      count < 2000 ? 1 : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
  const std::size_t share = (count + threads - 1) / threads;
  std::vector<std::thread> helpers;
  for (std::size_t t = 1; t < threads; ++t) {
    helpers.emplace_back(work, std::min(count, t * share), std::min(count, (t + 1) * share));
  }
  work(std::size_t{0}, std::min(count, share));
  for (std::thread& helper : helpers) helper.join();
}

}  // namespace dmarcq::core

#endif  // DMARCQ_CORE_PARALLEL_H_
