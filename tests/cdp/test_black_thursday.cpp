// The Black Thursday auctions experiment, one replica per auction design, in
// audit mode: the qualitative outcome the experiment exists to show (Liquidations 1.2 loses
// collateral to near-zero bids and books bad debt covered by minting MKR; 2.0 does not) must hold.
#include <doctest/doctest.h>

#include <string>

#include "cascade/protocols/cdp/cdp_collateral.hpp"
#include "cascade/protocols/cdp/cdp_system.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;

namespace {
struct Outcome {
  double bad_debt = 0, zero_bids = 0, below_market = 0, gov_minted = 0, dai_price = 0;
};

Outcome run(const std::string& auction) {
  auto spec = testing::load_file("../experiments/black_thursday_auctions.yaml");
  spec.audit = true;
  for (auto& c : spec.components) {
    if (c.name == "eth_a") c.params.set("auction", std::string(auction));
  }
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  const auto& ilk = w.get<protocols::CdpCollateral>("eth_a");
  const auto& sys = w.get<protocols::CdpSystem>("maker");
  return {sys.bad_debt(), static_cast<double>(ilk.zero_bid_auctions()), ilk.sold_below_market(), sys.gov_minted(),
          sys.stablecoin_price()};
}
}  // namespace

TEST_CASE("Black Thursday: English auctions lose collateral to zero bids, Dutch auctions do not") {
  const Outcome flip = run("flip");
  const Outcome clip = run("clip");
  CAPTURE(flip.bad_debt);
  CAPTURE(clip.bad_debt);
  // 1.2: while the market keepers are offline the lowballers' 1-DAI first bids win whole lots.
  CHECK(flip.zero_bids >= 5);
  CHECK(flip.bad_debt > 1e5);
  CHECK(flip.gov_minted > 0.0);  // the deficit goes to debt auctions
  CHECK(flip.below_market > flip.bad_debt);  // collateral worth more than the debt was given away
  // 2.0: no zero-bid sales; the price decays until an online keeper takes the lot.
  CHECK(clip.zero_bids == 0);
  CHECK(clip.bad_debt < 0.01 * flip.bad_debt);
  CHECK(clip.below_market < flip.below_market);
  // Keepers short of DAI bid it up on the secondary market in both designs.
  CHECK(flip.dai_price > 1.02);
  CHECK(clip.dai_price > 1.02);
}
