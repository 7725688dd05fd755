#pragma once
/// @file market_borrower.hpp
/// @brief Borrowers of a multi-reserve lending market, each with its own collateral mix, debt asset and e-mode choice.

#include <cstdint>
#include <string>
#include <vector>

#include "cascade/random/distributions.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}
namespace cascade::protocols {
class LendingMarket;
}

namespace cascade::agents {

/// @brief `count` borrowers of one `lending_market`. At t = 0 borrower i draws (from its own
/// stream: purpose `population`, entity i) its collateral value, its target health factor, one
/// collateral asset by the weights of `collateral` (and, with probability `second_collateral`, a
/// second one that takes half the value), a debt asset by the weights of `debt` among the assets it
/// did not post, and whether it enters the market's e-mode (probability `emode`). It deposits the
/// collateral and borrows debt = Σ value·LT / HF (or Σ value·LTV / draw with `debt_basis: ltv`),
/// which the market caps by LTV, cash and caps.
/// Borrowers hold their position to the end (no margin-call response in this version).
class MarketBorrowers final : public world::Component {
 public:
  MarketBorrowers(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event&, world::World&) override {}
  double metric(int index) const override;

  std::uint32_t count() const { return count_; }
  /// Market position of borrower i.
  std::uint32_t position(std::uint32_t i) const { return position_[i]; }

 private:
  protocols::LendingMarket* market_ = nullptr;
  std::uint32_t count_;
  random::Distribution collateral_usd_, health_factor_;
  std::vector<std::uint32_t> collateral_reserve_, debt_reserve_;
  std::vector<double> collateral_weight_, debt_weight_;
  double second_collateral_, emode_share_;
  bool size_by_ltv_;
  std::uint32_t first_account_ = 0;
  std::vector<std::uint32_t> position_;
  double collateral_usd_total_ = 0, borrowed_usd_total_ = 0;
  std::uint64_t multi_collateral_ = 0, in_emode_ = 0;
};

void register_market_borrower(world::Registry& registry);

}  // namespace cascade::agents
