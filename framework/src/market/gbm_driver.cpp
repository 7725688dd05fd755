#include <cmath>

#include "cascade/market/price_driver.hpp"
#include "cascade/random/distributions.hpp"
#include "cascade/world/registry.hpp"
#include "cascade/world/world.hpp"

namespace cascade::market {

namespace {

/// Geometric Brownian motion, exact on the tick grid:
/// S(t+dt) = S(t)·exp((mu − sigma²/2)·dt + sigma·sqrt(dt)·Z), dt in years.
class GbmDriver final : public PriceDriver {
 public:
  GbmDriver(const config::ComponentSpec& spec, world::World& world)
      : PriceDriver(spec, world),
        initial_(spec.params.number("initial_price")),
        drift_(spec.params.number("drift")),
        volatility_(spec.params.number("volatility")),
        stream_(world.stream(random::StreamPurpose::price_driver, *this)) {}

 protected:
  double initial_price(world::World&) override {
    last_ = initial_;
    return initial_;
  }
  double price_at(Time, world::World&) override {
    const double dt = to_seconds(tick()) / kSecondsPerYear;
    const double z = random::standard_normal(stream_);
    last_ *= std::exp((drift_ - 0.5 * volatility_ * volatility_) * dt + volatility_ * std::sqrt(dt) * z);
    return last_;
  }

 private:
  double initial_, drift_, volatility_;
  random::PhiloxStream stream_;
  double last_ = 0.0;
};

}  // namespace

void register_gbm_driver(world::Registry& registry) {
  using config::ParamSchema;
  config::ComponentSchema s;
  s.type = "gbm";
  s.section = config::Section::drivers;
  s.summary = "geometric Brownian motion reference price";
  s.source = "Black–Scholes log-normal dynamics, sampled exactly on the tick grid";
  s.params = driver_common_params();
  s.params.push_back(ParamSchema::number("initial_price", "numeraire", "price at t = 0").range(0, 1e12, true));
  s.params.push_back(ParamSchema::number("drift", "1/year", "annual drift mu").range(-10, 10).with_default(0.0));
  s.params.push_back(ParamSchema::number("volatility", "1/sqrt(year)", "annual volatility sigma").range(0, 20).with_default(0.8));
  s.metrics = {{"price", "numeraire", "reference price"}};
  registry.add(std::move(s), [](const config::ComponentSpec& spec, world::World& w) {
    return std::make_unique<GbmDriver>(spec, w);
  });
}

}  // namespace cascade::market
