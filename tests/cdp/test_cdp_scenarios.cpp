// Maker-like CDP system scenarios with hand-worked numbers: English-auction zero bid and the
// debt auction it triggers, bark limits (hole/Hole, dust), take with partial purchases and the
// chost rule, stability fee vs closed form, PSM fees, OSM delay. Every world runs in audit mode
// (conservation of every token — collateral, stablecoin, governance token — and each
// component's books), and direct calls are followed by an explicit audit.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "cascade/agents/keeper/cdp_keeper.hpp"
#include "cascade/protocols/cdp/cdp_collateral.hpp"
#include "cascade/protocols/cdp/cdp_system.hpp"
#include "cascade/protocols/cdp/osm.hpp"
#include "cascade/protocols/cdp/psm.hpp"
#include "support/experiment_fixture.hpp"

using namespace cascade;
using protocols::CdpCollateral;
using protocols::CdpSystem;

namespace {

void check_books(const world::World& w) {
  std::vector<std::string> problems;
  w.ledger().audit(problems);
  for (const auto& c : w.components()) c->audit(w, problems);
  for (const auto& p : problems) FAIL_CHECK(p);
}

const char* kAssets = "assets: {ETH: {}, USDC: {numeraire: true}, DAI: {}, MKR: {}}\n";

// One vault: 10 ETH at $2,000 drawing 10,000 DAI (ratio 2.0). ETH halves at 1 h; the OSM (hop
// 1 h) publishes 1,000 at 2 h, when the vault (10 · 1000 / 1.5 = 6,667 < 10,000) is unsafe.
std::string flip_world(const std::string& keeper_congestion) {
  return std::string("experiment: {name: flip, seed: 1, horizon: 5h}\n") + kAssets + R"(
drivers:
  eth: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0.5, crash_at: 1h, over: 0, tick: 1m}
oracles:
  osm: {type: osm, source: eth, hop: 1h}
protocols:
  maker: {type: cdp_system, stablecoin: DAI, governance_token: MKR,
          debt_auction: {sump: 5000, dump: 250, gov_price: 250, bidder_margin: 0.05, ttl: 1h}}
  eth_a: {type: cdp_collateral, system: maker, collateral: ETH, oracle: osm, market: eth, mat: 1.5, chop: 1.13,
          stability_fee: 0, dust: 100, auction: flip, flip: {beg: 0.03, ttl: 10m, tau: 6h, dunk: 50000}}
agents:
  owner: {type: vault_owner, protocol: eth_a, count: 1, collateral_value: 20000, collateral_ratio: 2}
  keeper: {type: cdp_keeper, protocol: eth_a, count: 1, latency: 5, min_discount: 0.05, )" +
         keeper_congestion + R"(}
  lowballer: {type: cdp_keeper, protocol: eth_a, count: 1, latency: 5, strategy: lowball, lowball_bid: 1}
)";
}

}  // namespace

TEST_CASE("English auction: with the only market keeper offline, a 1-DAI first bid wins the lot; Flop mints MKR") {
  auto spec = testing::load(flip_world("congestion: {source: eth, window: 10m, offline_above: 1.0e-6}"));
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  const auto& ilk = w.get<CdpCollateral>("eth_a");
  const auto& sys = w.get<CdpSystem>("maker");
  const auto& keeper = w.get<agents::CdpKeepers>("keeper");
  // Cat.bite at 2 h: dart = min(art 10,000, dunk 50,000 / chop 1.13) = the whole vault; tab 11,300,
  // lot 10 ETH. The lowballer bids 1 DAI (the beg check is vacuous against a first bid of 0); the
  // market keeper's transactions do not land (volatility after a 50 % jump ≫ 1e-6); the bid
  // expires after ttl and is dealt at 2 h 10 m 5 s.
  CHECK(ilk.barks() == 1);
  CHECK(ilk.zero_bid_auctions() == 1);
  CHECK(keeper.metric(3) >= 1.0);  // missed actions
  CHECK(w.ledger().balance(w.ledger().account_count() - 1, w.token("ETH")) == doctest::Approx(10.0));  // the lowballer won all 10 ETH
  // Shortfall = due − raised = 10,000 − 1; sold below market = 10 ETH · $1,000 − 1 DAI.
  CHECK(ilk.bad_debt() == doctest::Approx(9999.0));
  CHECK(ilk.sold_below_market() == doctest::Approx(9999.0));
  CHECK(sys.bad_debt() == doctest::Approx(9999.0));
  // Vow: sin 10,000 at bite, healed by the 1 DAI bid → 9,999. Once the debt is off auction, one
  // debt auction of sump 5,000 starts (9,999 − 5,000 < sump stops a second). At kick + 1 h its lot
  // is min(dump 250, 5,000 · 1.05 / 250) = 21 MKR, minted to the bidders; their 5,000 DAI heals sin.
  CHECK(sys.debt_auctions() == 1);
  CHECK(sys.gov_minted() == doctest::Approx(21.0));
  CHECK(w.ledger().supply(w.token("MKR")) == doctest::Approx(21.0));
  CHECK(sys.sin() == doctest::Approx(4999.0));
  CHECK(sys.surplus() == doctest::Approx(0.0));
  check_books(w);
}

TEST_CASE("English auction: an online market keeper bids 95 % of market value and wins") {
  auto spec = testing::load(flip_world(""));
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  const auto& ilk = w.get<CdpCollateral>("eth_a");
  const auto& sys = w.get<CdpSystem>("maker");
  // tend at min(tab 11,300, 10 ETH · 1,000 · 0.95) = 9,500 DAI; the lowballer only bids on
  // auctions without a bid. Shortfall 10,000 − 9,500 = 500 < sump: no debt auction.
  CHECK(ilk.zero_bid_auctions() == 0);
  CHECK(ilk.bad_debt() == doctest::Approx(500.0));
  CHECK(ilk.sold_below_market() == doctest::Approx(500.0));
  CHECK(sys.sin() == doctest::Approx(500.0));
  CHECK(sys.gov_minted() == 0.0);
  check_books(w);
}

namespace {

// One vault: 30 ETH at $2,000 drawing 30,000 DAI; the oracle is the market itself, which halves
// at 1 min, leaving the vault unsafe (30 · 1000 / 1.5 = 20,000 < 30,000).
std::string clip_world(double Hole, double ilk_hole, double dust, double tip = 0, double chip = 0) {
  return std::string("experiment: {name: clip, seed: 1, horizon: 3h}\n") + kAssets + R"(
drivers:
  eth: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0.5, crash_at: 1m, over: 0, tick: 1m}
protocols:
  maker: {type: cdp_system, stablecoin: DAI, governance_token: MKR, hole: )" +
         std::to_string(Hole) + R"(, debt_auction: {sump: 0}}
  eth_a: {type: cdp_collateral, system: maker, collateral: ETH, oracle: eth, market: eth, mat: 1.5, chop: 1.13,
          stability_fee: 0, dust: )" +
         std::to_string(dust) + ", hole: " + std::to_string(ilk_hole) + R"(,
          clip: {buf: 1.3, tip: )" +
         std::to_string(tip) + ", chip: " + std::to_string(chip) + R"(, step: 90s, cut: 0.99, tail: 2h, cusp: 0.45}}
agents:
  owner: {type: vault_owner, protocol: eth_a, count: 1, collateral_value: 60000, collateral_ratio: 2}
)";
}

struct ClipFixture {
  config::ExperimentSpec spec;
  world::World w;
  CdpCollateral& ilk;
  CdpSystem& sys;
  ledger::AccountId kpr;
  explicit ClipFixture(const std::string& yaml)
      : spec([&] {
          auto s = testing::load(yaml);
          s.audit = true;  // every event of advance_to is audited
          return s;
        }()),
        w(spec, testing::registry(), world::RunContext{}),
        ilk(w.get<CdpCollateral>("eth_a")),
        sys(w.get<CdpSystem>("maker")) {
    w.start();
    kpr = w.ledger().open_account("test keeper");
    sys.mint_background(w, kpr, 1e6);
    w.advance_to(kMinute);
  }
};

}  // namespace

TEST_CASE("bark: partial liquidation limited by Hole, then take with partial purchases, chost and leftover") {
  ClipFixture f(clip_world(20000, 1e9, 1000));
  REQUIRE(f.ilk.unsafe(0));
  // room = Hole − Dirt = 20,000 → dart = 20,000 / rate 1 / chop 1.13 = 17,699.11504; the leftover
  // 12,300.88 ≥ dust 1,000, so the liquidation is partial: lot = 30 · dart / 30,000.
  const auto id = f.ilk.bark(f.w, 0, f.kpr);
  REQUIRE(id != CdpCollateral::kNone);
  const auto& a = f.ilk.auction(id);
  CHECK(a.tab == doctest::Approx(20000.0));
  CHECK(a.due == doctest::Approx(17699.11504).epsilon(1e-9));
  CHECK(a.lot == doctest::Approx(17.69911504).epsilon(1e-9));
  CHECK(f.ilk.debt_of(0) == doctest::Approx(12300.88496).epsilon(1e-9));
  CHECK(f.ilk.ink_of(0) == doctest::Approx(12.30088496).epsilon(1e-9));
  CHECK(f.sys.dirt() == doctest::Approx(20000.0));
  // The Hole is full: the still-unsafe vault cannot be barked again.
  CHECK(f.ilk.unsafe(0));
  CHECK(f.ilk.bark(f.w, 0, f.kpr) == CdpCollateral::kNone);
  check_books(f.w);

  // top = 1,000 · buf 1.3 = 1,300 at the kick (same instant: price = top).
  CHECK(f.ilk.auction_price(id, f.w.now()) == doctest::Approx(1300.0));
  // A max below the price is refused.
  CHECK(f.ilk.take(f.w, id, 1.0, 1299.0, f.kpr).status == protocols::TakeResult::Status::too_expensive);
  // take 10 ETH: owe 13,000 → tab 7,000, lot 7.69911504.
  auto r = f.ilk.take(f.w, id, 10.0, 1300.0, f.kpr);
  CHECK(r.owe == doctest::Approx(13000.0));
  CHECK(a.tab == doctest::Approx(7000.0));
  // take 5 ETH: owe 6,500 would leave 500 < chost = dust · chop = 1,130, so owe = 7,000 − 1,130 =
  // 5,870 and slice = 5,870 / 1,300 = 4.51538462.
  CHECK(f.ilk.chost() == doctest::Approx(1130.0));
  r = f.ilk.take(f.w, id, 5.0, 1300.0, f.kpr);
  CHECK(r.owe == doctest::Approx(5870.0));
  CHECK(r.slice == doctest::Approx(4.51538462).epsilon(1e-8));
  CHECK(a.tab == doctest::Approx(1130.0));
  // take everything: owe is capped at tab 1,130 (slice 0.86923077); tab reaches 0 and the
  // leftover 17.69911504 − 10 − 4.51538462 − 0.86923077 = 2.31449965 ETH goes back to the owner.
  r = f.ilk.take(f.w, id, 100.0, 1300.0, f.kpr);
  CHECK(r.owe == doctest::Approx(1130.0));
  CHECK(r.slice == doctest::Approx(0.86923077).epsilon(1e-8));
  CHECK_FALSE(a.active);
  CHECK(f.w.ledger().balance(f.ilk.owner_of(0), f.w.token("ETH")) == doctest::Approx(2.31449965).epsilon(1e-8));
  // Raised 20,000 = tab: no shortfall; Vow surplus = 20,000 − due 17,699.11504; Dirt back to 0.
  CHECK(f.ilk.bad_debt() == 0.0);
  CHECK(f.sys.surplus() == doctest::Approx(2300.884956).epsilon(1e-9));
  CHECK(f.sys.sin() == doctest::Approx(0.0));
  CHECK(f.sys.dirt() == doctest::Approx(0.0));
  check_books(f.w);
}

TEST_CASE("bark: ilk.hole limits like Hole; a dusty leftover liquidates the whole vault; no room below dust") {
  SUBCASE("ilk hole") {
    ClipFixture f(clip_world(1e9, 20000, 1000));
    const auto id = f.ilk.bark(f.w, 0, f.kpr);
    REQUIRE(id != CdpCollateral::kNone);
    CHECK(f.ilk.auction(id).tab == doctest::Approx(20000.0));
    CHECK(f.ilk.bark(f.w, 0, f.kpr) == CdpCollateral::kNone);
    check_books(f.w);
  }
  SUBCASE("dusty leftover") {
    // room 30,000 → dart 26,548.67, leftover 3,451.33 < dust 5,000 → dart = art: tab = 30,000 ·
    // 1.13 = 33,900 (Dirt may exceed Hole, as in dss), lot = all 30 ETH.
    ClipFixture f(clip_world(30000, 1e9, 5000));
    const auto id = f.ilk.bark(f.w, 0, f.kpr);
    REQUIRE(id != CdpCollateral::kNone);
    CHECK(f.ilk.auction(id).tab == doctest::Approx(33900.0));
    CHECK(f.ilk.auction(id).lot == doctest::Approx(30.0));
    CHECK(f.ilk.debt_of(0) == 0.0);
    check_books(f.w);
  }
  SUBCASE("room below dust") {
    // room 5,000 < dust 7,500: Dog/liquidation-limit-hit.
    ClipFixture f(clip_world(5000, 1e9, 7500));
    CHECK(f.ilk.bark(f.w, 0, f.kpr) == CdpCollateral::kNone);
    CHECK(f.ilk.debt_of(0) == doctest::Approx(30000.0));
  }
}

TEST_CASE("clip: an unsold auction needs redo at the cusp; redo restarts it and pays the keeper again") {
  ClipFixture f(clip_world(1e9, 1e9, 1000, 100, 0.001));
  const auto id = f.ilk.bark(f.w, 0, f.kpr);
  REQUIRE(id != CdpCollateral::kNone);
  // Whole vault: tab = 30,000 · 1.13 = 33,900; keeper incentive tip 100 + chip 0.001 · 33,900 = 133.9
  // (new sin on top of the due 30,000).
  CHECK(f.ilk.auction(id).tab == doctest::Approx(33900.0));
  CHECK(f.sys.sin() == doctest::Approx(30133.9));
  CHECK(f.w.ledger().balance(f.kpr, f.sys.stablecoin()) == doctest::Approx(1e6 + 133.9));
  // 79 steps (118.5 min): 0.99^79 = 0.4520 ≥ cusp and age < tail → still running.
  f.w.advance_to(kMinute + 79 * 90 * kSecond);
  CHECK_FALSE(f.ilk.needs_redo(id, f.w.now()));
  CHECK_FALSE(f.ilk.redo(f.w, id, f.kpr));
  // 80 steps (120 min): 0.99^80 = 0.4475 < cusp 0.45 → needs redo; take is refused.
  f.w.advance_to(kMinute + 80 * 90 * kSecond);
  CHECK(f.ilk.needs_redo(id, f.w.now()));
  CHECK(f.ilk.take(f.w, id, 1.0, 1e9, f.kpr).status == protocols::TakeResult::Status::needs_redo);
  // redo: top = oracle 1,000 · buf 1.3 = 1,300 again; tab 33,900 ≥ chost and lot value 30,000 ≥
  // chost, so the incentive is paid again: sin = 30,000 + 2 · 133.9.
  CHECK(f.ilk.redo(f.w, id, f.kpr));
  CHECK(f.ilk.auction(id).top == doctest::Approx(1300.0));
  CHECK(f.ilk.auction_price(id, f.w.now()) == doctest::Approx(1300.0));
  CHECK(f.sys.sin() == doctest::Approx(30267.8));
  check_books(f.w);
}

TEST_CASE("stability fee accrued over a year equals the closed form") {
  auto spec = testing::load(std::string("experiment: {name: fee, seed: 1, horizon: 366d}\n") + kAssets + R"(
drivers:
  eth: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0, tick: 1d}
protocols:
  maker: {type: cdp_system, stablecoin: DAI, governance_token: MKR, debt_auction: {bidder_capital: 0}}
  eth_a: {type: cdp_collateral, system: maker, collateral: ETH, oracle: eth, market: eth, stability_fee: 0.05}
agents:
  owner: {type: vault_owner, protocol: eth_a, count: 1, collateral_value: 30000, collateral_ratio: 3}
)");
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  w.advance_to(365 * kDay);
  auto& ilk = w.get<CdpCollateral>("eth_a");
  ilk.drip(w);
  // Per-second compounding of (1.05)^(1/31,536,000) over 365 days: 10,000 · 1.05 = 10,500 owed;
  // the 500 DAI fee was minted to the Vow, so the whole supply is 10,500.
  CHECK(ilk.debt_of(0) == doctest::Approx(10500.0).epsilon(1e-9));
  const auto& sys = w.get<CdpSystem>("maker");
  CHECK(sys.surplus() == doctest::Approx(500.0).epsilon(1e-9));
  CHECK(w.ledger().supply(w.token("DAI")) == doctest::Approx(10500.0).epsilon(1e-9));
  check_books(w);
}

TEST_CASE("PSM: sellGem and buyGem with tin/tout, capped by the ceiling") {
  auto spec = testing::load(std::string("experiment: {name: psm, seed: 1, horizon: 1h}\n") + kAssets + R"(
protocols:
  maker: {type: cdp_system, stablecoin: DAI, governance_token: MKR}
  psm: {type: psm, system: maker, gem: USDC, tin: 0.001, tout: 0.002, ceiling: 1500}
)");
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  auto& psm = w.get<protocols::Psm>("psm");
  const auto& sys = w.get<CdpSystem>("maker");
  auto& ledger = w.ledger();
  const auto usdc = w.token("USDC"), dai = w.token("DAI");
  const auto alice = ledger.open_account("alice");
  ledger.mint(alice, usdc, 2000.0);
  // 1,000 USDC in: 1,000 DAI drawn, 1 (tin 0.1 %) to the Vow, 999 to alice.
  CHECK(psm.sell_gem(w, alice, 1000.0) == doctest::Approx(999.0));
  CHECK(psm.debt() == doctest::Approx(1000.0));
  CHECK(sys.surplus() == doctest::Approx(1.0));
  // 500 USDC out costs 500 · 1.002 = 501 DAI: alice keeps 498 DAI; the Vow gets 1 more.
  CHECK(psm.buy_gem(w, alice, 500.0) == doctest::Approx(500.0));
  CHECK(ledger.balance(alice, dai) == doctest::Approx(498.0));
  CHECK(ledger.balance(alice, usdc) == doctest::Approx(1500.0));
  CHECK(sys.surplus() == doctest::Approx(2.0));
  CHECK(psm.debt() == doctest::Approx(500.0));
  // Ceiling 1,500: only 1,000 more USDC fit.
  CHECK(psm.sell_gem(w, alice, 1500.0) == doctest::Approx(999.0));
  CHECK(psm.debt() == doctest::Approx(1500.0));
  check_books(w);
}

TEST_CASE("OSM: the system's price lags the source by one to two hops") {
  auto spec = testing::load(std::string("experiment: {name: osm, seed: 1, horizon: 4h}\n") + kAssets + R"(
drivers:
  eth: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0.5, crash_at: 30m, over: 0, tick: 1m}
oracles:
  osm: {type: osm, source: eth, hop: 1h}
)");
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  w.start();
  const auto& osm = w.get<protocols::Osm>("osm");
  w.advance_to(59 * kMinute);
  CHECK(osm.price() == 2000.0);  // the market fell to 1,000 at 30 min
  w.advance_to(kHour);
  CHECK(osm.price() == 2000.0);       // poke at 1 h: cur ← nxt (the price at 0)
  CHECK(osm.next_price() == 1000.0);  // nxt ← the price at 1 h, visible one hop ahead
  w.advance_to(2 * kHour - kMinute);
  CHECK(osm.price() == 2000.0);
  w.advance_to(2 * kHour);
  CHECK(osm.price() == 1000.0);  // 1.5 h after the market moved
}

TEST_CASE("vault owners top up from the OSM's next price, an hour before it applies") {
  auto yaml = [](double share) {
    return std::string("experiment: {name: topup, seed: 1, horizon: 3h}\n") + kAssets + R"(
drivers:
  eth: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0.3, crash_at: 1h, over: 0, tick: 1m}
oracles:
  osm: {type: osm, source: eth, hop: 1h}
protocols:
  maker: {type: cdp_system, stablecoin: DAI, governance_token: MKR}
  eth_a: {type: cdp_collateral, system: maker, collateral: ETH, oracle: osm, market: eth, mat: 1.5, stability_fee: 0, dust: 100}
agents:
  owner: {type: vault_owner, protocol: eth_a, count: 1, collateral_value: 20000, collateral_ratio: 2,
          on_margin_call: {top_up: )" +
           std::to_string(share) + R"(, respond_below: 1.1, restore_to: 1.5, spare_collateral: 1.0, reaction: 60}}
  keeper: {type: cdp_keeper, protocol: eth_a, count: 1, latency: 5}
)";
  };
  SUBCASE("responder") {
    auto spec = testing::load(yaml(1.0));
    spec.audit = true;
    world::World w(spec, testing::registry(), world::RunContext{});
    const auto result = w.run();
    REQUIRE_MESSAGE(result.summary.status == 0, result.error);
    const auto& ilk = w.get<CdpCollateral>("eth_a");
    // At the 1 h poke the queued price is 1,400: ratio 10 · 1400 / 10,000 = 1.4 < 1.1 · 1.5. One
    // minute later the owner adds 1.5 · 1.5 · 10,000 / 1,400 − 10 = 6.0714286 ETH; when 1,400
    // becomes current at 2 h the ratio is 2.25 ≥ 1.5: no liquidation.
    CHECK(ilk.ink_of(0) == doctest::Approx(16.0714286).epsilon(1e-8));
    CHECK(ilk.barks() == 0);
  }
  SUBCASE("non-responder") {
    auto spec = testing::load(yaml(0.0));
    spec.audit = true;
    world::World w(spec, testing::registry(), world::RunContext{});
    const auto result = w.run();
    REQUIRE_MESSAGE(result.summary.status == 0, result.error);
    // Ratio 1.4 < 1.5 at 2 h: barked (the whole vault, default Hole/hole).
    CHECK(w.get<CdpCollateral>("eth_a").barks() == 1);
  }
}

TEST_CASE("English auction: tend up to tab, then dent; the collateral given up returns to the owner") {
  auto spec = testing::load(std::string("experiment: {name: dent, seed: 1, horizon: 1h}\n") + kAssets + R"(
drivers:
  eth: {type: scripted_crash, asset: ETH, initial_price: 2000, drop: 0.3, crash_at: 1m, over: 0, tick: 1m}
protocols:
  maker: {type: cdp_system, stablecoin: DAI, governance_token: MKR}
  eth_a: {type: cdp_collateral, system: maker, collateral: ETH, oracle: eth, market: eth, mat: 1.5, chop: 1.13,
          stability_fee: 0, dust: 100, auction: flip, flip: {beg: 0.03, ttl: 10m, tau: 6h, dunk: 50000}}
agents:
  owner: {type: vault_owner, protocol: eth_a, count: 1, collateral_value: 20000, collateral_ratio: 2}
  keepers: {type: cdp_keeper, protocol: eth_a, count: 2, latency: 5, min_discount: 0.05}
)");
  spec.audit = true;
  world::World w(spec, testing::registry(), world::RunContext{});
  const auto result = w.run();
  REQUIRE_MESSAGE(result.summary.status == 0, result.error);
  const auto& ilk = w.get<CdpCollateral>("eth_a");
  const auto& sys = w.get<CdpSystem>("maker");
  // ETH 1,400: ratio 1.4 < 1.5 → bite: tab 11,300, lot 10 ETH. Keeper 0 values the lot at
  // 10 · 1400 · 0.95 = 13,300 ≥ tab and tends tab. Keeper 1 dents to the lot worth tab at its
  // discount, 11,300 / 1,330 = 8.4962406 ETH (≤ 10 / 1.03); keeper 0 cannot beat that by beg.
  // 1.5037594 ETH goes back to the owner; the Vow keeps 11,300 − 10,000 = 1,300 of penalty.
  CHECK(ilk.barks() == 1);
  CHECK(ilk.bad_debt() == 0.0);
  CHECK(ilk.zero_bid_auctions() == 0);
  CHECK(w.ledger().balance(ilk.owner_of(0), w.token("ETH")) == doctest::Approx(1.5037594).epsilon(1e-8));
  CHECK(sys.surplus() == doctest::Approx(1300.0));
  CHECK(sys.sin() == doctest::Approx(0.0));
  // Sold 8.4962406 ETH worth 11,894.74 for 11,300: 594.74 below market.
  CHECK(ilk.sold_below_market() == doctest::Approx(594.736842).epsilon(1e-8));
  check_books(w);
}
