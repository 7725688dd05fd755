#include "register_all.hpp"

#include "cascade/agents/arbitrageur/amm_arbitrageur.hpp"
#include "cascade/agents/borrower/leveraged_borrower.hpp"
#include "cascade/agents/liquidator/liquidator.hpp"
#include "cascade/agents/trader/scripted_seller.hpp"
#include "cascade/market/price_driver.hpp"
#include "cascade/protocols/amm/constant_product_amm.hpp"
#include "cascade/protocols/lending/lending_pool.hpp"
#include "cascade/protocols/oracle/deviation_heartbeat_oracle.hpp"

// lending markets (issue 3)

// cdp system and stablecoin (issue 3)

// perpetual futures, order books, risk controls (issue 4)

// dependency graph and creditors (issue 5)
#include "cascade/agents/creditor/creditor.hpp"

// balance-sheet networks (issue 5)

namespace cascade {

void register_all(world::Registry& registry) {
  // drivers (framework/market)
  market::register_gbm_driver(registry);
  market::register_scripted_crash_driver(registry);
  market::register_csv_replay_driver(registry);
  // venues, oracles, protocols (protocols/)
  protocols::register_constant_product_amm(registry);
  protocols::register_deviation_heartbeat_oracle(registry);
  protocols::register_lending_pool(registry);
  // agents (agents/)
  agents::register_leveraged_borrower(registry);
  agents::register_liquidator(registry);
  agents::register_amm_arbitrageur(registry);
  agents::register_scripted_seller(registry);
  // lending markets (issue 3)

  // cdp system and stablecoin (issue 3)

  // perpetual futures, order books, risk controls (issue 4)

  // dependency graph and creditors (issue 5)
  agents::register_creditor(registry);

  // balance-sheet networks (issue 5)

}

}  // namespace cascade
