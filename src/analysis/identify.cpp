// identify: which sender a record's source is, from the facts in the report alone.
//
// The strongest evidence is the sender's own DNS vouching for the source: an SPF pass
// for one of the sender's envelope domains (the receiver checked the connecting IP
// against the sender's SPF record), or a DKIM pass for one of its signing domains.
// Next comes the source IP in one of the sender's published ranges, longest prefix
// first (Pardot's /20 inside Salesforce's space, say). A domain that merely appears
// (an envelope or d= without a pass) is weak: anyone can write "sendgrid.net" into a
// MAIL FROM, so it only breaks ties between equally long prefixes and never beats
// another sender's range. PTR names are not in reports; they need the online mode.
#include <algorithm>
#include <unordered_map>

#include "analysis/analysis.h"
#include "core/ip.h"

namespace dmarcq::analysis {

struct Identifier::Index {
  struct Range {
    core::IpNetwork network;
    const Sender* sender;
  };
  std::vector<Range> ranges;
  // Range candidates per source IP (identify is const; the cache is an index detail).
  mutable std::unordered_map<std::string, std::vector<const Sender*>> by_ip;
};

namespace {

bool matches_any(std::string_view domain, const std::vector<std::string>& suffixes) {
  return std::any_of(suffixes.begin(), suffixes.end(), [&](const std::string& suffix) {
    return domain_matches_suffix(domain, suffix);
  });
}

// Senders named (weakly) by the record's domains.
bool hinted(const Sender& sender, const RecordFacts& record) {
  for (const report::SpfResult& spf : record.spf) {
    if (matches_any(spf.domain, sender.envelope_suffixes)) return true;
  }
  for (const report::DkimResult& dkim : record.dkim) {
    if (matches_any(dkim.domain, sender.dkim_domain_suffixes)) return true;
  }
  return false;
}

}  // namespace

Identifier::Identifier(const Catalog& catalog)
    : catalog_(catalog), index_(std::make_unique<Index>()) {
  for (const Sender& sender : catalog_.senders()) {
    for (const IpRange& range : sender.ip_ranges) {
      // Ranges were validated when the catalog was loaded.
      if (auto network = core::parse_network(range.cidr, nullptr)) {
        index_->ranges.push_back({*network, &sender});
      }
    }
  }
}

Identifier::~Identifier() = default;

const std::vector<const Sender*>& Identifier::range_senders(const std::string& ip) const {
  // Longest matching prefix; every sender at that length is a candidate. Reports
  // repeat the same sources many times: the candidates are remembered per IP.
  auto cached = index_->by_ip.find(ip);
  if (cached == index_->by_ip.end()) {
    std::vector<const Sender*> candidates;
    int best = -1;
    if (const auto address = core::parse_ip(ip)) {
      for (const Index::Range& range : index_->ranges) {
        if (!range.network.contains(*address)) continue;
        if (range.network.prefix > best) {
          best = range.network.prefix;
          candidates.clear();
        }
        if (range.network.prefix == best &&
            std::find(candidates.begin(), candidates.end(), range.sender) == candidates.end()) {
          candidates.push_back(range.sender);
        }
      }
    }
    if (index_->by_ip.size() > 1000000) index_->by_ip.clear();
    cached = index_->by_ip.emplace(ip, std::move(candidates)).first;
  }
  return cached->second;
}

Identity Identifier::identify(const RecordFacts& record) const {
  return identify(record, range_senders(record.source_ip));
}

Identity Identifier::identify(const RecordFacts& record,
                              const std::vector<const Sender*>& by_range) const {
  // Strong: the sender's own SPF (which checked this very IP) or DKIM vouches for the
  // source. An SPF pass outranks a DKIM pass; among equals, the sender whose range
  // holds the IP wins, then catalog order.
  auto in_range = [&](const Sender* sender) {
    return std::find(by_range.begin(), by_range.end(), sender) != by_range.end();
  };
  Identity strong;
  for (const Sender& sender : catalog_.senders()) {
    Evidence evidence = Evidence::kNone;
    for (const report::SpfResult& spf : record.spf) {
      if (spf.result == "pass" && matches_any(spf.domain, sender.envelope_suffixes)) {
        evidence = Evidence::kSpfPass;
      }
    }
    if (evidence == Evidence::kNone) {
      for (const report::DkimResult& dkim : record.dkim) {
        if (dkim.result == "pass" && matches_any(dkim.domain, sender.dkim_domain_suffixes)) {
          evidence = Evidence::kDkimPass;
        }
      }
    }
    if (evidence == Evidence::kNone) continue;
    const bool ranged = in_range(&sender);
    const bool better = strong.sender == nullptr || evidence < strong.evidence ||
                        (evidence == strong.evidence && ranged && !strong.in_range);
    if (better) strong = Identity{&sender, evidence, ranged};
  }
  if (strong.sender != nullptr) return strong;
  if (by_range.empty()) return {};
  if (by_range.size() > 1) {
    for (const Sender* sender : by_range) {
      if (hinted(*sender, record)) return {sender, Evidence::kIpRange, true};
    }
  }
  return {by_range.front(), Evidence::kIpRange, true};
}

}  // namespace dmarcq::analysis
