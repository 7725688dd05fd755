#pragma once
/// @file perp_exchange.hpp
/// @brief A perpetual futures exchange: margin accounts (isolated, cross, portfolio) and
/// sub-accounts over one or more perp_markets, liquidation engine, insurance fund, ADL.

#include <cstdint>
#include <string>
#include <vector>

#include "cascade/ledger/ledger.hpp"
#include "cascade/world/component.hpp"

namespace cascade::world {
class Registry;
}

namespace cascade::protocols {

class PerpMarket;

enum class MarginMode : std::uint8_t { isolated, cross, portfolio };
/// What covers a loss the insurance fund cannot: auto-deleveraging or a socialised loss.
enum class Backstop : std::uint8_t { adl, socialised };

/// @brief ADL ranking score (Binance): PnL% × effective leverage when PnL% > 0, PnL% /
/// effective leverage otherwise. Higher scores are deleveraged first.
double adl_score(double pnl_fraction, double effective_leverage);

/// @brief One position closed by auto-deleveraging.
struct AdlEvent {
  double time_s = 0;          ///< seconds since the start
  std::uint32_t market = 0;   ///< market index
  std::uint32_t account = 0;  ///< the deleveraged account
  double quantity = 0;        ///< signed contracts closed (+ a short bought back)
  double price = 0;           ///< the bankruptcy price it was closed at
  double realised = 0;        ///< PnL the deleveraged position realised
  double score = 0;           ///< its ADL score when ranked
};

/// @brief The result of a market order.
struct PerpFill {
  double quantity = 0;  ///< signed contracts filled (+ bought)
  double notional = 0;  ///< |quantity| × average price
  bool rejected = false;  ///< halted market or not enough margin
};

/// @brief A perpetual futures exchange.
///
/// Money: every deposit sits in the ledger account `<name>.vault`; the insurance fund is
/// `<name>.insurance_fund`. Accounts, positions and their realised PnL are the exchange's books;
/// audit mode checks vault = Σ collateral + Σ isolated margin − Σ size·entry − bad debt (the
/// unrealised PnL of all positions sums to −Σ size·entry because every contract has two sides),
/// that long and short sizes match per market, and that the fund's ledger balance equals its
/// books.
///
/// Margin: an isolated position has its own margin and equity margin + size·(mark − entry);
/// a cross account's equity is its collateral plus all unrealised PnL, against the sum of tiered
/// maintenance margins; a portfolio account's maintenance margin is the worst loss over the stress
/// moves of each risk unit, summed over units (OKX/Bybit portfolio margin), with initial margin
/// `portfolio_im_multiplier` × that. Sub-accounts are separate margin accounts of the same owner.
///
/// Liquidation (on every mark update, equity < maintenance): first partial liquidation down the
/// tiers (a market order reduces the largest position to the cap of the next lower bracket,
/// paying the liquidation fee), re-checked after each step; then full takeover: the fee is
/// charged from what equity is left, the positions pass to the liquidation engine at their
/// bankruptcy prices (equity 0), and the engine sells them on the book as far as the insurance
/// fund can absorb the loss. The rest is auto-deleveraged against opposite positions ranked by
/// adl_score at the bankruptcy price, or (backstop: socialised) sold anyway with the fund's
/// shortfall charged pro rata to accounts with unrealised profit. What nothing covers is bad debt.
/// @code
/// auto a = ex.open_account(world, wallet, MarginMode::cross);
/// ex.deposit(world, a, 10'000);
/// ex.market_order(world, a, 0, 2.0);   // buy 2 contracts of market 0 on the book
/// @endcode
class PerpExchange final : public world::Component {
 public:
  PerpExchange(const config::ComponentSpec& spec, world::World& world);

  std::size_t market_count() const { return markets_.size(); }
  PerpMarket& market(std::size_t m) const { return *markets_[m]; }
  /// Index of a market by component name, or -1.
  int market_index(const std::string& name) const;
  ledger::TokenId collateral_token() const { return collateral_; }
  Backstop backstop() const { return backstop_; }

  // accounts
  std::uint32_t open_account(world::World& world, ledger::AccountId owner, MarginMode mode);
  /// A sub-account of `parent` (same owner, own margin mode and margin).
  std::uint32_t open_sub_account(world::World& world, std::uint32_t parent, MarginMode mode);
  void deposit(world::World& world, std::uint32_t account, double amount);
  /// Withdraws up to `amount` of free collateral to the owner; returns the amount withdrawn.
  double withdraw(world::World& world, std::uint32_t account, double amount);
  /// Moves free collateral between a parent and its sub-account (either direction).
  double transfer(std::uint32_t from, std::uint32_t to, double amount);
  /// Isolated mode: moves collateral into a position's margin.
  void add_margin(std::uint32_t account, std::size_t market, double amount);

  /// @brief Market order on the market's book (the makers take the other side). Increases are
  /// rejected when the market is halted or the initial margin would not be covered; for an
  /// isolated account `margin` of its collateral is moved into the position first.
  PerpFill market_order(world::World& world, std::uint32_t account, std::size_t market, double quantity, double margin = 0.0);
  /// @brief Opens `quantity` against the makers at `price` without touching the book (positions
  /// that exist before the run starts). Rejected (returns false, `margin` back in the account's
  /// collateral) if the margin does not cover IM.
  bool open_at(std::uint32_t account, std::size_t market, double quantity, double price, double margin = 0.0);

  // state
  std::uint32_t account_count() const { return static_cast<std::uint32_t>(accounts_.size()); }
  MarginMode mode(std::uint32_t a) const { return accounts_[a].mode; }
  ledger::AccountId owner(std::uint32_t a) const { return accounts_[a].owner; }
  double collateral(std::uint32_t a) const { return accounts_[a].collateral; }
  double position_size(std::uint32_t a, std::size_t market) const;
  double entry_price(std::uint32_t a, std::size_t market) const;
  double position_margin(std::uint32_t a, std::size_t market) const;
  /// Equity and maintenance margin of the margin unit holding (a, market): the isolated
  /// position, or the whole account in cross/portfolio mode.
  double equity(std::uint32_t a, std::size_t market) const;
  double maintenance(std::uint32_t a, std::size_t market) const;
  double initial(std::uint32_t a, std::size_t market) const;
  /// Maintenance / equity (≥ 1 ⇒ liquidatable; infinite when equity ≤ 0 with a position).
  double margin_ratio(std::uint32_t a, std::size_t market) const;
  bool liquidatable(std::uint32_t a, std::size_t market) const;
  /// Accounts ranked for ADL against a bankrupt position of `side` (+1 long: shorts ranked), best first.
  std::vector<std::uint32_t> adl_ranking(std::size_t market, int bankrupt_side) const;
  double adl_score_of(std::uint32_t a, std::size_t market) const;
  std::uint32_t makers_account() const { return makers_; }
  /// Collateral that may leave the account (isolated: its balance; cross/portfolio: equity − IM).
  double free_collateral(std::uint32_t a) const;
  double open_interest_value() const;

  double insurance_fund() const { return fund_; }
  /// Loss no one covered (insurance fund, ADL or socialisation): the exchange's insolvency.
  double bad_debt() const { return bad_debt_; }
  /// Cumulative loss the insurance fund could not cover (handed to ADL or socialised).
  double insurance_shortfall() const { return shortfall_; }
  double liquidated_notional() const { return liquidated_notional_; }
  std::uint64_t liquidations() const { return liquidations_; }
  std::uint64_t partial_liquidations() const { return partial_liquidations_; }
  std::uint64_t adl_count() const { return adl_count_; }
  double adl_closed_profit() const { return adl_closed_profit_; }
  double socialised_loss() const { return socialised_; }
  double fees_collected() const { return fees_; }
  /// Every ADL close of the run, in order (funding history: PerpMarket::funding_history()).
  const std::vector<AdlEvent>& adl_log() const { return adl_log_; }

  /// Checks every margin unit with a position in `market` and liquidates those below maintenance.
  void check_liquidations(world::World& world, std::size_t market);
  /// Settles one funding payment on `market` at its last rate.
  void settle_funding(world::World& world, std::size_t market);
  /// @brief `listener` gets Event{kind} (class agent) after each liquidation check of a market.
  void subscribe_updates(world::ComponentId listener, std::uint32_t kind);

  void start(world::World& world) override;
  void handle(const engine::Event& event, world::World& world) override;
  double metric(int index) const override;
  void finish(world::World& world, output::RunSummary& summary) override;
  void audit(const world::World& world, std::vector<std::string>& problems) const override;

 private:
  struct Account {
    ledger::AccountId owner = 0;
    MarginMode mode = MarginMode::cross;
    std::int32_t parent = -1;
    bool exempt = false;  // makers and the liquidation engine are never liquidated
    double collateral = 0;
    std::vector<std::uint32_t> positions;  // open positions
    std::uint64_t stamp = 0;               // last check epoch
  };
  struct Position {
    std::uint32_t account = 0;
    std::uint32_t market = 0;
    double size = 0;
    double entry = 0;
    double margin = 0;  // isolated only
  };

  std::int64_t find_position(std::uint32_t a, std::size_t m) const;
  std::uint32_t position_for(std::uint32_t a, std::size_t m);
  double mark(std::size_t m) const;
  double upnl(const Position& p) const;
  double unit_equity(std::uint32_t a, std::int64_t pos) const;
  double unit_maintenance(std::uint32_t a, std::int64_t pos) const;
  double unit_initial(std::uint32_t a, std::int64_t pos) const;
  double portfolio_loss(std::uint32_t a) const;
  /// Changes (a, m) by `dq` at `price`; realised PnL goes to the margin / collateral.
  void apply_fill(std::uint32_t a, std::size_t m, double dq, double price);
  void release_unused_margin(std::uint32_t a, std::size_t m);
  bool covers_initial(std::uint32_t a, std::size_t m, double quantity, double price);
  PerpFill book_order(world::World& world, std::uint32_t a, std::size_t m, double quantity);
  void charge_fee(world::World& world, std::uint32_t a, std::int64_t pos, double fee);
  void liquidate_unit(world::World& world, std::uint32_t a, std::int64_t pos);
  void take_over(world::World& world, std::uint32_t a, std::int64_t pos);
  void engine_close(world::World& world, std::size_t m);
  void manage_inventory(world::World& world, std::size_t m);
  void deleverage(world::World& world, std::size_t m, double quantity, double price);
  void settle_engine(world::World& world);
  double socialise(double loss);

  std::vector<PerpMarket*> markets_;
  ledger::TokenId collateral_ = 0;
  ledger::AccountId vault_ = 0, fund_account_ = 0, maker_wallet_ = 0;
  double initial_fund_ = 0, maker_collateral_ = 0;
  Backstop backstop_ = Backstop::adl;
  bool partial_ = true;
  double portfolio_im_ = 1.5;
  std::uint32_t makers_ = 0, engine_ = 0;

  std::vector<Account> accounts_;
  std::vector<Position> positions_;
  std::vector<std::vector<std::uint32_t>> by_market_;  // position ids per market
  std::vector<double> long_oi_;
  std::uint64_t epoch_ = 0;

  double fund_ = 0;
  double bad_debt_ = 0, shortfall_ = 0, socialised_ = 0;
  double liquidated_notional_ = 0;
  std::uint64_t liquidations_ = 0, partial_liquidations_ = 0, adl_count_ = 0, adl_events_ = 0;
  double adl_closed_profit_ = 0, adl_closed_notional_ = 0;
  double fees_ = 0;
  double funding_paid_ = 0;
  double deposits_ = 0, withdrawals_ = 0, fund_in_ = 0, fund_out_ = 0;
  std::uint32_t protocol_index_ = 0;
  std::vector<AdlEvent> adl_log_;
  std::vector<world::ComponentId> listeners_;
  std::vector<std::uint32_t> listener_kinds_;
  std::vector<std::uint32_t> scratch_;
};

void register_perp_exchange(world::Registry& registry);

}  // namespace cascade::protocols
