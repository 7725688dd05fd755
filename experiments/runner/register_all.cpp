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
#include "cascade/protocols/lending/lending_market.hpp"
#include "cascade/agents/borrower/market_borrower.hpp"
#include "cascade/agents/liquidator/market_liquidator.hpp"
#include "cascade/agents/depositor/market_depositor.hpp"

// cdp system and stablecoin (issue 3)
#include "cascade/agents/keeper/cdp_keeper.hpp"
#include "cascade/agents/peg_arbitrageur/peg_arbitrageur.hpp"
#include "cascade/agents/vault_owner/vault_owners.hpp"
#include "cascade/protocols/cdp/cdp_collateral.hpp"
#include "cascade/protocols/cdp/cdp_system.hpp"
#include "cascade/protocols/cdp/osm.hpp"
#include "cascade/protocols/cdp/psm.hpp"
#include "cascade/protocols/stableswap/stableswap_pool.hpp"

// perpetual futures, order books, risk controls (issue 4)
#include "cascade/agents/perp_trader/perp_trader.hpp"
#include "cascade/protocols/orderbook/limit_order_book.hpp"
#include "cascade/protocols/perp/perp_exchange.hpp"
#include "cascade/protocols/perp/perp_market.hpp"

// dependency graph and creditors (issue 5)
#include "cascade/agents/creditor/creditor.hpp"

// balance-sheet networks (issue 5)
#include "cascade/protocols/network/interbank_network.hpp"
#include "cascade/protocols/network/overlapping_portfolios.hpp"

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
  protocols::register_lending_market(registry);
  agents::register_market_borrower(registry);
  agents::register_market_liquidator(registry);
  agents::register_market_depositor(registry);

  // cdp system and stablecoin (issue 3)
  protocols::register_osm(registry);
  protocols::register_cdp_system(registry);
  protocols::register_cdp_collateral(registry);
  protocols::register_psm(registry);
  protocols::register_stableswap_pool(registry);
  agents::register_vault_owners(registry);
  agents::register_cdp_keeper(registry);
  agents::register_peg_arbitrageur(registry);

  // perpetual futures, order books, risk controls (issue 4)
  protocols::register_limit_order_book(registry);
  protocols::register_perp_market(registry);
  protocols::register_perp_exchange(registry);
  agents::register_perp_trader(registry);

  // dependency graph and creditors (issue 5)
  agents::register_creditor(registry);

  // balance-sheet networks (issue 5)
  protocols::register_interbank_network(registry);
  protocols::register_overlapping_portfolios(registry);

}

}  // namespace cascade
