#include <cmath>

#include "cascade/market/price_driver.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::market {

namespace {

/// A deterministic crash: flat at `initial_price`, then a geometric fall of `drop` spread evenly
/// (in log price) over `over` starting at `crash_at`, then flat. With over = 0 the fall is one
/// step at the first tick at or after crash_at. Used for stress tests and hand-checked scenarios.
class ScriptedCrashDriver final : public PriceDriver {
 public:
  ScriptedCrashDriver(const config::ComponentSpec& spec, world::World& world)
      : PriceDriver(spec, world),
        initial_(spec.params.number("initial_price")),
        drop_(spec.params.number("drop")),
        at_(spec.params.duration("crash_at")),
        over_(spec.params.duration("over")) {}

 protected:
  double initial_price(world::World&) override { return initial_; }
  double price_at(Time t, world::World&) override {
    if (t < at_) return initial_;
    const double floor = initial_ * (1.0 - drop_);
    if (over_ == 0 || t >= at_ + over_) return floor;
    const double fraction = static_cast<double>(t - at_) / static_cast<double>(over_);
    return initial_ * std::pow(1.0 - drop_, fraction);
  }

 private:
  double initial_, drop_;
  Time at_, over_;
};

}  // namespace

void register_scripted_crash_driver(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "scripted_crash";
  s.section = config::Section::drivers;
  s.summary = "deterministic crash: flat, geometric fall of `drop` over `over`, flat";
  s.source = "stress-test scenario (no randomness)";
  s.params = driver_common_params();
  s.params.push_back(ParamSchema::number("initial_price", "numeraire", "price before the crash").range(0, 1e12, true));
  s.params.push_back(ParamSchema::number("drop", "fraction", "total fall, 0.3 = −30 %").range(0, 1, false, true));
  s.params.push_back(ParamSchema::duration("crash_at", "when the fall starts").with_default(config::Duration{kHour}));
  s.params.push_back(ParamSchema::duration("over", "duration of the fall (0 = one step)").with_default(config::Duration{30 * kMinute}));
  s.metrics = {{"price", "numeraire", "reference price"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<ScriptedCrashDriver>(spec, w);
  });
}

}  // namespace cascade::market
