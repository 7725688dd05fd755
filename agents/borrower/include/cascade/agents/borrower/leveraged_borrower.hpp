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
}

namespace cascade::agents {

/// @brief `count` borrowers of one lending pool. At t = 0 borrower i receives collateral worth
/// collateral_usd_i (at the pool's oracle price), deposits it and borrows so that its health
/// factor is health_factor_i: debt = collateral value · LT / HF, capped by the LTV limit (so
/// HF ≥ LT/LTV) and by the pool's cash. Both draws come from the population's own stream
/// (purpose `population`, entity = borrower index), so adding other agents never changes them.
///
/// Leverage on the collateral is 1 / (1 − LT/HF): HF 1.05 with LT 0.83 is 4.8× leverage.
/// Borrowers hold their position passively (no margin-call response in this version): they are
/// the population that liquidations and bad debt are measured on.
class LeveragedBorrowers final : public world::Component {
 public:
  LeveragedBorrowers(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

  std::uint32_t count() const { return count_; }
  /// Pool position of borrower i.
  std::uint32_t position(std::uint32_t i) const { return position_[i]; }

 private:
  protocols::LendingPool* pool_ = nullptr;
  std::uint32_t count_;
  random::Distribution collateral_usd_, health_factor_;
  std::uint32_t first_account_ = 0;
  std::vector<std::uint32_t> position_;
  double collateral_usd_total_ = 0;
};

void register_leveraged_borrower(world::Registry& registry);

}  // namespace cascade::agents
