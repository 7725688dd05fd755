#pragma once
/// @file liquidator.hpp
/// @brief Competing liquidation bots that repay debt, seize collateral and sell it on a venue.

#include <cstdint>
#include <vector>

#include "cascade/agents/liquidator/bot_crew.hpp"
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

/// @brief `count` liquidators watching one lending pool.
///
/// When an oracle update leaves positions liquidatable, each idle liquidator reacts after its own
/// latency (a fresh draw per reaction). It then walks the liquidatable positions worst-first and,
/// for up to `max_per_action` of them, repays the largest of {m, m/2, m/4, m/8} (m = what the
/// close factor and its capital allow) for which the collateral it would receive sells on the
/// venue for at least repay + gas_cost + min_profit (the quote includes the venue's price
/// impact); a position with no profitable size is passed over. It sells the
/// collateral immediately (as a flash-swap bot does), so liquidations push the venue price down.
/// If positions remain and it liquidated something, it acts again after another latency.
class Liquidators final : public world::Component {
 public:
  Liquidators(const config::ComponentSpec& spec, world::World& world);
  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;

 private:
  enum Kind : std::uint32_t { notified = 0, act = 1 };
  void act_once(world::World& world, std::uint32_t j);

  protocols::LendingPool* pool_ = nullptr;
  protocols::ConstantProductAmm* venue_ = nullptr;
  BotCrew crew_;
  double capital_, min_profit_, gas_cost_;
  std::uint32_t max_per_action_;
  std::uint32_t first_account_ = 0;
  std::vector<std::uint32_t> candidates_;  // scratch, reused
  std::uint64_t liquidations_ = 0;
  std::uint64_t skipped_unprofitable_ = 0;
  double profit_ = 0;
};

void register_liquidator(world::Registry& registry);

}  // namespace cascade::agents
