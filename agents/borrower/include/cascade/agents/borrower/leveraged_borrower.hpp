#pragma once
/// @file leveraged_borrower.hpp
/// @brief A population of leveraged borrowers with heterogeneous size and leverage.

#include <cstdint>
#include <string>
#include <vector>

#include "cascade/random/distributions.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}
namespace cascade::protocols {
class LendingPool;
class ConstantProductAmm;
}  // namespace cascade::protocols

namespace cascade::agents {

/// @brief `count` borrowers of one lending pool. At t = 0 borrower i receives collateral worth
/// collateral_usd_i (at the pool's oracle price), deposits it and borrows so that its health
/// factor is health_factor_i: debt = collateral value · LT / HF, capped by the LTV limit (so
/// HF ≥ LT/LTV) and by the pool's cash. Both draws come from the population's own stream
/// (purpose `population`, entity = borrower index), so adding other agents never changes them.
///
/// Leverage on the collateral is 1 / (1 − LT/HF): HF 1.05 with LT 0.83 is 4.8× leverage.
///
/// Margin calls: each borrower is drawn once into one of three behaviours with the shares of
/// `on_margin_call` — `top_up` (adds collateral from a spare wallet of `spare_collateral` × its
/// initial collateral), `deleverage` (sells collateral on the venue and repays debt, atomically,
/// as DeFi Saver-style automation does) or ignore (the rest). After each oracle update, borrowers
/// whose health factor is below `respond_below` react after their own delay (`reaction`, seconds)
/// and, if still below, restore `restore_to`. Deleveraging sells into the same venue liquidators
/// use, so it adds to the fire sale.
class LeveragedBorrowers final : public world::Component {
 public:
  LeveragedBorrowers(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

  std::uint32_t count() const { return count_; }
  enum class Response : std::uint8_t { ignore = 0, top_up = 1, deleverage = 2 };
  Response response(std::uint32_t i) const { return static_cast<Response>(response_[i]); }
  /// Pool position of borrower i.
  std::uint32_t position(std::uint32_t i) const { return position_[i]; }

 private:
  enum Kind : std::uint32_t { price_update = 0, react = 1 };
  void respond(world::World& world, std::uint32_t i);

  protocols::LendingPool* pool_ = nullptr;
  protocols::ConstantProductAmm* venue_ = nullptr;
  std::uint32_t count_;
  random::Distribution collateral_usd_, health_factor_, reaction_;
  double top_up_share_, deleverage_share_, respond_below_, restore_to_, spare_collateral_;
  std::uint32_t first_account_ = 0;
  // per borrower (structure of arrays)
  std::vector<std::uint32_t> position_;
  std::vector<std::uint8_t> response_;
  std::vector<std::uint8_t> pending_;
  std::vector<std::uint32_t> reactions_;
  std::vector<std::uint32_t> scratch_;
  double collateral_usd_total_ = 0;
  std::uint64_t top_ups_ = 0, deleverages_ = 0;
};

void register_leveraged_borrower(world::Registry& registry);

}  // namespace cascade::agents
