#pragma once
/// @file world.hpp
/// @brief One replica's runtime: clock and queue, ledger, random streams, components, recorder.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cascade/config/experiment_spec.hpp"
#include "cascade/engine/simulator.hpp"
#include "cascade/graph/signal.hpp"
#include "cascade/ledger/ledger.hpp"
#include "cascade/output/run_result.hpp"
#include "cascade/random/philox_stream.hpp"
#include "cascade/world/component.hpp"
#include "cascade/world/recorder.hpp"

namespace cascade::graph {
class Propagation;
}

namespace cascade::world {

class Registry;

/// @brief Which run a world is.
struct RunContext {
  std::uint32_t point_id = 0;
  std::uint32_t replica = 0;
  std::uint64_t run_index = 0;
  bool record_series = false;  ///< sample outputs.timeseries for this run
};

/// @brief A component named a component that does not exist yet or is of the wrong kind.
class UnresolvedReference : public Error {
 public:
  explicit UnresolvedReference(const std::string& name) : Error(name), name_(name) {}
  const std::string& name() const { return name_; }

 private:
  std::string name_;
};

/// @brief Thrown (and turned into a failed run) when audit mode finds a broken invariant.
class AuditFailure : public Error {
 public:
  using Error::Error;
};

/// @brief One replica: built from a spec and a run context, owns all mutable state, runs to its
/// horizon. Nothing is shared between worlds, so worlds run on any thread without locks, and a
/// world is a pure function of (spec, seed, replica).
/// @code
/// World w(spec, registry, RunContext{.point_id = 0, .replica = 3, .run_index = 3});
/// output::RunResult r = w.run();
/// @endcode
class World {
 public:
  /// @throws config::ConfigError if a component finds its (valid) parameters inconsistent with
  /// the rest of the world (reported with the parameter's mark).
  World(const config::ExperimentSpec& spec, const Registry& registry, RunContext context);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  const config::ExperimentSpec& spec() const { return spec_; }
  const RunContext& context() const { return context_; }
  engine::Simulator& sim() { return sim_; }
  Time now() const { return sim_.now(); }
  Time horizon() const { return spec_.horizon; }
  ledger::Ledger& ledger() { return ledger_; }
  const ledger::Ledger& ledger() const { return ledger_; }

  /// @brief The stream of `entity` within component `owner` for `purpose`. With common random
  /// numbers the key is (seed, replica), so replica r sees the same draws at every sweep point;
  /// without, it is (seed, run_index).
  random::PhiloxStream stream(random::StreamPurpose purpose, const Component& owner, std::uint64_t entity = 0) const;

  /// Token id of an asset (its index in spec().assets).
  ledger::TokenId token(const std::string& asset) const;
  ledger::TokenId numeraire() const { return numeraire_; }

  /// The component with this name, or nullptr.
  Component* find(const std::string& name) const;
  /// @brief The named component as T; asserts it exists and has that type (the loader has
  /// checked references, so a mismatch is a programming error).
  /// @throws UnresolvedReference if there is no such component yet (it is declared later in
  /// build order, or is the caller itself) or it is of another kind; the world turns this into
  /// a configuration error at the referring component.
  template <class T>
  T& get(const std::string& name) const {
    auto* t = dynamic_cast<T*>(find(name));
    if (t == nullptr) throw UnresolvedReference(name);
    return *t;
  }
  /// The named component if it is a PriceSource.
  PriceSource& price_source(const std::string& name) const;
  const std::vector<std::unique_ptr<Component>>& components() const { return components_; }

  /// Index of a protocol among the spec's protocols (for event records).
  std::uint32_t protocol_index(const std::string& name) const;
  /// Appends a liquidation to this run's event log (when outputs.events has liquidations).
  void record_liquidation(output::LiquidationRecord record);
  /// Appends an auto-deleveraging close to this run's event log (when outputs.events has adl).
  void record_adl(output::AdlRecord record);

  /// @brief Reports the current level of one of `from`'s observables to the dependency graph.
  /// When it is an impact (graph/signal.hpp) the node's dependents receive
  /// Component::on_dependency_signal after each edge's latency; the run's cascade metrics count it.
  void signal(const Component& from, graph::SignalKind kind, double value, double loss_fraction = 0.0);
  void signal_price(const Component& from, double price) { signal(from, graph::SignalKind::price, price); }
  /// @brief `from` is insolvent; holders of claims on it lose `loss_fraction` of them.
  void signal_insolvent(const Component& from, double loss_fraction = 1.0) {
    signal(from, graph::SignalKind::insolvent, 1.0, loss_fraction);
  }
  /// The dependency graph and this run's propagation state.
  const graph::Propagation& network() const { return *network_; }
  /// The graph node of a component (assets come first).
  int node_of(const Component& c) const;
  /// Event kind reserved for signal deliveries (components never see it in handle()).
  static constexpr std::uint32_t kDependencySignalEvent = 0xFFFF'FF00u;

  /// @brief Runs to the horizon. A failure inside the run (audit violation, internal error) is
  /// returned as a failed run with its message, never thrown.
  output::RunResult run();

  /// @brief Step-by-step use (tests, notebooks): start() once, then advance_to() any number of
  /// times; exceptions propagate instead of becoming a failed run.
  void start();
  /// This run's results so far (step-by-step use: the event logs filled by advance_to()).
  const output::RunResult& result() const { return result_; }
  /// Processes every event with time ≤ t (and ≤ the horizon).
  /// @throws cascade::Error if more than kMaxEventsPerInstant events run at one instant (a
  /// feedback loop between components with zero delays).
  void advance_to(Time t);
  static constexpr std::uint64_t kMaxEventsPerInstant = 10'000'000;

 private:
  void audit_now();
  void deliver_signal(const engine::Event& event);
  void watch_bad_debt();

  const config::ExperimentSpec& spec_;
  RunContext context_;
  engine::Simulator sim_;
  ledger::Ledger ledger_;
  ledger::TokenId numeraire_ = 0;
  std::vector<std::unique_ptr<Component>> components_;
  std::vector<std::string> protocol_names_;
  std::unique_ptr<Recorder> recorder_;
  output::RunResult result_;
  bool started_ = false;
  std::unique_ptr<graph::Propagation> network_;
  std::vector<graph::Signal> signals_;  // deliveries in flight, indexed by event payload
  struct BadDebtWatch {
    ComponentId component;
    int metric;
    double last;
  };
  // Components whose schema declares a `bad_debt` metric: a rise is reported to the graph.
  std::vector<BadDebtWatch> bad_debt_watch_;
};

}  // namespace cascade::world
