// MPI transport (OpenMPI): rank 0 dispatches and writes, the other ranks compute with TBB.
// Only rank 0's main thread and each worker's main thread call MPI (MPI_THREAD_FUNNELED).
#include <mpi.h>
#include <tbb/concurrent_queue.h>
#include <tbb/global_control.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <limits>
#include <map>
#include <thread>
#include <vector>

#include "cascade/core/error.hpp"
#include "cascade/output/run_journal.hpp"
#include "cascade/runner/mpi_session.hpp"
#include "distributed.hpp"

namespace cascade::runner {
namespace {

int g_rank = 0;
int g_size = 1;
bool g_initialised = false;

// Launched by mpirun (OpenMPI), srun or another PMI launcher.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

enum Tag : int {
  kRequest = 1,  // worker → 0: u64 how many runs it can take
  kBatch = 2,    // 0 → worker: u64 first, u64 count (count 0: no more work)
  kResult = 3,   // worker → 0: a serialised RunResult
  kDone = 4,     // worker → 0: every result sent
};

void pause_briefly() { std::this_thread::sleep_for(std::chrono::microseconds(200)); }

// A TBB pipeline on `threads` threads fed run indices one at a time by the MPI thread; results
// come back in completion order.
class FedPipeline {
 public:
  FedPipeline(int threads, const detail::Compute& compute)
      : parallelism_(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads) + 1) {
    thread_ = std::thread([this, threads, &compute] {
      tbb::task_arena arena(threads);
      arena.execute([&] {
        bool finished = false;
        tbb::parallel_pipeline(
            static_cast<std::size_t>(2 * threads),
            tbb::make_filter<void, std::uint64_t>(tbb::filter_mode::serial_in_order,
                                                  [&](tbb::flow_control& fc) -> std::uint64_t {
                                                    std::uint64_t run = kNoMore;
                                                    if (!finished) runs_.pop(run);
                                                    if (run == kNoMore) {
                                                      finished = true;
                                                      fc.stop();
                                                      return 0;
                                                    }
                                                    return run;
                                                  }) &
                tbb::make_filter<std::uint64_t, output::RunResult*>(
                    tbb::filter_mode::parallel, [&](std::uint64_t run) { return new output::RunResult(compute(run)); }) &
                tbb::make_filter<output::RunResult*, void>(tbb::filter_mode::serial_out_of_order,
                                                           [&](output::RunResult* r) { results_.push(r); }));
      });
      results_.push(nullptr);
    });
  }
  ~FedPipeline() {
    close();
    output::RunResult* raw = nullptr;
    while (!ended_) {
      results_.pop(raw);
      if (raw == nullptr) ended_ = true;
      delete raw;
    }
    thread_.join();
  }
  FedPipeline(const FedPipeline&) = delete;
  FedPipeline& operator=(const FedPipeline&) = delete;

  void push(std::uint64_t run) {
    runs_.push(run);
    ++queued_;
  }
  /// No more runs will be pushed.
  void close() {
    if (closed_) return;
    closed_ = true;
    runs_.push(kNoMore);
  }
  bool closed() const { return closed_; }
  /// A finished run, or nullptr if none is ready.
  std::unique_ptr<output::RunResult> try_pop() {
    output::RunResult* raw = nullptr;
    if (ended_ || !results_.try_pop(raw)) return nullptr;
    if (raw == nullptr) {
      ended_ = true;
      return nullptr;
    }
    --queued_;
    return std::unique_ptr<output::RunResult>(raw);
  }
  /// Runs pushed and not yet popped.
  std::uint64_t queued() const { return queued_; }
  /// Closed and every result popped.
  bool ended() const { return ended_; }

 private:
  static constexpr std::uint64_t kNoMore = ~std::uint64_t{0};
  tbb::global_control parallelism_;
  tbb::concurrent_bounded_queue<std::uint64_t> runs_;
  tbb::concurrent_bounded_queue<output::RunResult*> results_;
  std::thread thread_;
  std::uint64_t queued_ = 0;
  bool closed_ = false;
  bool ended_ = false;
};

}  // namespace

MpiSession::MpiSession(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  g_initialised = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
}

MpiSession::~MpiSession() {
  if (g_initialised) MPI_Finalize();
}

int MpiSession::rank() const { return g_rank; }
int MpiSession::size() const { return g_size; }
bool MpiSession::built_with_mpi() { return true; }

namespace detail {

int mpi_rank() { return g_rank; }
int mpi_size() { return g_size; }

void mpi_master(std::uint64_t first, std::uint64_t end, std::uint64_t window, int local_threads, const Compute& compute,
                const Deliver& deliver, const std::function<bool()>& stop) {
  std::uint64_t next_dispatch = first;
  std::uint64_t next_deliver = first;
  int active = g_size - 1;
  std::map<std::uint64_t, std::unique_ptr<output::RunResult>> ahead;  // arrived before their turn
  std::deque<std::pair<int, std::uint64_t>> deferred;                   // requests waiting for the window
  std::vector<unsigned char> buffer;

  auto answer = [&](int worker, std::uint64_t capacity) {
    std::array<std::uint64_t, 2> batch{next_dispatch, 0};
    if (!stop() && next_dispatch < end) {
      const std::uint64_t room = window - (next_dispatch - next_deliver);
      batch[1] = std::min({capacity, end - next_dispatch, room});
      next_dispatch += batch[1];
    }
    MPI_Send(batch.data(), 2, MPI_UINT64_T, worker, kBatch, MPI_COMM_WORLD);
  };
  auto can_answer = [&] { return stop() || next_dispatch >= end || next_dispatch - next_deliver < window; };

  auto take = [&](std::unique_ptr<output::RunResult> result) {
    const std::uint64_t run = result->summary.run_index;
    ahead.emplace(run, std::move(result));
    for (auto it = ahead.find(next_deliver); it != ahead.end(); it = ahead.find(next_deliver)) {
      deliver(std::move(it->second));
      ahead.erase(it);
      ++next_deliver;
    }
  };
  // Rank 0 computes too, on its own threads, fed from the same queue of runs.
  std::unique_ptr<FedPipeline> local;
  if (local_threads > 0) local = std::make_unique<FedPipeline>(local_threads, compute);
  const auto local_capacity = static_cast<std::uint64_t>(2 * std::max(local_threads, 1));

  while (active > 0 || (local && !local->ended())) {
    bool busy = false;
    if (local) {
      while (!local->closed() && local->queued() < local_capacity) {
        if (stop() || next_dispatch >= end) {
          local->close();
        } else if (next_dispatch - next_deliver < window) {
          local->push(next_dispatch++);
        } else {
          break;
        }
      }
      while (auto result = local->try_pop()) {
        busy = true;
        take(std::move(result));
      }
    }
    while (!deferred.empty() && can_answer()) {
      answer(deferred.front().first, deferred.front().second);
      deferred.pop_front();
    }
    int flag = 0;
    MPI_Status status;
    if (active > 0) MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    if (flag == 0) {
      if (!busy) pause_briefly();
      continue;
    }
    if (status.MPI_TAG == kRequest) {
      std::uint64_t capacity = 0;
      MPI_Recv(&capacity, 1, MPI_UINT64_T, status.MPI_SOURCE, kRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (can_answer()) answer(status.MPI_SOURCE, capacity);
      else deferred.emplace_back(status.MPI_SOURCE, capacity);
    } else if (status.MPI_TAG == kResult) {
      int bytes = 0;
      MPI_Get_count(&status, MPI_BYTE, &bytes);
      buffer.resize(static_cast<std::size_t>(bytes));
      MPI_Recv(buffer.data(), bytes, MPI_BYTE, status.MPI_SOURCE, kResult, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      take(std::make_unique<output::RunResult>(output::deserialize_run(buffer.data(), buffer.size())));
    } else if (status.MPI_TAG == kDone) {
      MPI_Recv(nullptr, 0, MPI_BYTE, status.MPI_SOURCE, kDone, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      --active;
    } else {
      CASCADE_ASSERT(false, "unexpected MPI tag " + std::to_string(status.MPI_TAG));
    }
  }
  // Results after a gap (stopped early) are dropped: the journal holds an unbroken prefix.
}

void mpi_worker(int threads, const Compute& compute) {
  const auto capacity = static_cast<std::uint64_t>(threads);
  FedPipeline pipeline(threads, compute);
  bool waiting = false;
  std::array<std::uint64_t, 2> batch{};
  MPI_Request reply = MPI_REQUEST_NULL;
  while (!pipeline.ended()) {
    bool busy = false;
    if (!pipeline.closed() && !waiting && pipeline.queued() < capacity) {
      const std::uint64_t want = 2 * capacity - pipeline.queued();
      MPI_Send(&want, 1, MPI_UINT64_T, 0, kRequest, MPI_COMM_WORLD);
      MPI_Irecv(batch.data(), 2, MPI_UINT64_T, 0, kBatch, MPI_COMM_WORLD, &reply);
      waiting = true;
    }
    if (waiting) {
      int done = 0;
      MPI_Test(&reply, &done, MPI_STATUS_IGNORE);
      if (done != 0) {
        waiting = false;
        busy = true;
        if (batch[1] == 0) pipeline.close();
        for (std::uint64_t i = 0; i < batch[1]; ++i) pipeline.push(batch[0] + i);
      }
    }
    while (auto result = pipeline.try_pop()) {
      busy = true;
      const std::vector<unsigned char> bytes = output::serialize(*result);
      CASCADE_ASSERT(bytes.size() < static_cast<std::size_t>(std::numeric_limits<int>::max()), "run result over 2 GiB");
      MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, kResult, MPI_COMM_WORLD);
    }
    if (!busy) pause_briefly();
  }
  MPI_Send(nullptr, 0, MPI_BYTE, 0, kDone, MPI_COMM_WORLD);
}

void mpi_release_workers() {
  // Each worker's first message is a request; answer it with "no work", then take its kDone.
  for (int done = 0; done < g_size - 1;) {
    MPI_Status status;
    MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
    if (status.MPI_TAG == kRequest) {
      std::uint64_t capacity = 0;
      MPI_Recv(&capacity, 1, MPI_UINT64_T, status.MPI_SOURCE, kRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      const std::array<std::uint64_t, 2> none{0, 0};
      MPI_Send(none.data(), 2, MPI_UINT64_T, status.MPI_SOURCE, kBatch, MPI_COMM_WORLD);
    } else {
      MPI_Recv(nullptr, 0, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (status.MPI_TAG == kDone) ++done;
    }
  }
}

}  // namespace detail
}  // namespace cascade::runner
