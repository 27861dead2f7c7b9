// Private to analysis/: helpers the fix texts share (fixes_*.cpp): the values and
// records a fix is written from, the same in every language.
#ifndef DMARCQ_ANALYSIS_FIX_HELPERS_H_
#define DMARCQ_ANALYSIS_FIX_HELPERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/fixes.h"

namespace dmarcq::analysis::fix_helpers {

// "a, b, c"; empty entries are skipped.
inline std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& item : items) {
    if (item.empty()) continue;
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// Each item with `prefix` in front: ("include:", [a, b]) -> [include:a, include:b].
inline std::vector<std::string> prefixed(std::string_view prefix,
                                         const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    if (!item.empty()) out.push_back(std::string(prefix) + item);
  }
  return out;
}

inline bool contains(const std::vector<std::string>& items, std::string_view value) {
  for (const std::string& item : items) {
    if (item == value) return true;
  }
  return false;
}

inline std::string first_or(const std::vector<std::string>& items, std::string fallback) {
  for (const std::string& item : items) {
    if (!item.empty()) return item;
  }
  return fallback;
}

// "1,330": thousands separated by commas (also in the Japanese texts).
inline std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value);
  const std::size_t first = digits.front() == '-' ? 1 : 0;
  for (int i = static_cast<int>(digits.size()) - 3; i > static_cast<int>(first); i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

// The organizational domain, under which relaxed alignment accepts any name.
inline std::string organizational(const std::string& domain) {
  return organizational_domain(domain);
}

// The domain whose SPF record and DKIM keys the fix is about.
inline std::string from_domain(const FixContext& context) {
  return context.header_from.empty() ? context.domain : context.header_from;
}

// The envelope seen is a name of the From domain's organization, not the vendor's own
// domain.
inline bool envelope_is_customers(const FixContext& context) {
  const std::string envelope = first_or(context.spf_domains, "");
  return !envelope.empty() && organizational(envelope) == organizational(from_domain(context));
}

// ...and a name of its own (a vendor's custom return path such as bounce.example.com),
// not the From domain itself, whose records are the customer's to write.
inline bool envelope_is_return_path(const FixContext& context) {
  return envelope_is_customers(context) &&
         first_or(context.spf_domains, "") != from_domain(context);
}

// The domain whose DMARC record the fix is about.
inline std::string policy_domain(const FixContext& context) {
  return context.domain.empty() ? context.header_from : context.domain;
}

// The SPF terms that authorise `sender`: its includes, else an ip4:/ip6: term per
// catalog range (a user's own relay described by its addresses), else none.
inline std::vector<std::string> spf_terms(const Sender& sender) {
  if (!sender.spf_includes.empty()) return prefixed("include:", sender.spf_includes);
  std::vector<std::string> terms;
  for (const IpRange& range : sender.ip_ranges) {
    if (range.cidr.empty()) continue;
    terms.push_back((range.cidr.find(':') != std::string::npos ? "ip6:" : "ip4:") + range.cidr);
  }
  return terms;
}

// The selectors to suggest for a new Salesforce key: a pair of names not seen in the
// reports for the domain (sf1/sf2, else sf3/sf4, ...). A selector a key already uses,
// failing or not, cannot name a new one.
inline std::pair<std::string, std::string> salesforce_selectors(const FixContext& context) {
  for (int n = 1;; n += 2) {
    std::string selector = "sf" + std::to_string(n);
    std::string alternate = "sf" + std::to_string(n + 1);
    if (!contains(context.dkim_selectors, selector) &&
        !contains(context.dkim_selectors, alternate)) {
      return {std::move(selector), std::move(alternate)};
    }
  }
}

// "d=a, b" when DKIM domains other than `domain` were seen, else "".
inline std::string other_dkim_domains(const FixContext& context, const std::string& domain) {
  std::vector<std::string> others;
  for (const std::string& d : context.dkim_domains) {
    if (!d.empty() && d != domain && !contains(others, d)) others.push_back(d);
  }
  return others.empty() ? std::string() : "d=" + join(others);
}

// "…suffix" for a CNAME target pattern (".custdkim.salesforce.com" -> "….custdkim.salesforce.com").
inline std::string cname_target(const std::string& suffix) {
  return suffix.front() == '.' ? "…" + suffix : "…." + suffix;
}

// What the failing signatures of dkim_key_unpublished say, the same in every language:
// the signing domain, whether the receiver refused them (result "policy", usually a
// weak key) or the key is missing, wrong or revoked (any other failure), and the
// selector records to publish.
struct FailingKey {
  std::string domain;
  bool weak = false;
  bool missing = false;
  std::vector<std::string> records;  // "<selector>._domainkey.<domain>"
};

inline FailingKey failing_key(const FixContext& context) {
  FailingKey key;
  key.domain = first_or(context.dkim_domains, from_domain(context));
  key.weak = contains(context.dkim_results, "policy");
  key.missing = context.dkim_results.empty();
  for (const std::string& result : context.dkim_results) {
    if (result != "policy" && result != "temperror") key.missing = true;
  }
  for (const std::string& selector : context.dkim_selectors) {
    if (!selector.empty()) key.records.push_back(selector + "._domainkey." + key.domain);
  }
  return key;
}

// ---- the records fixes publish, the same in every language ------------------------

// The SPF record of `domain` with `terms` in it; "…" stands for its other mechanisms.
inline DnsRecord spf_record(const std::string& domain, const std::vector<std::string>& terms) {
  return {"TXT", domain, "v=spf1 … " + (terms.empty() ? "" : join(terms, " ") + " ") + "~all",
          "",    "",     ""};
}

// The query that shows a vendor's return-path domain works, where its records are the
// vendor's to show (a CNAME to the vendor, or MX and TXT): an SPF record answers for the
// name (dig follows a CNAME). A record without a type is a check only, not printed as
// a record to publish.
inline DnsRecord return_path_check(const std::string& envelope) {
  return {"", envelope, "", "", "TXT", "\"v=spf1 … ~all\""};
}

// The DMARC record of the policy domain with policy p=`policy`, its sp= as published
// (or `subdomain_policy` when set) and `extra` tags ("np=reject; "); "…" keeps the
// current rua= address.
inline DnsRecord dmarc_record(const FixContext& context, const std::string& policy,
                              std::string subdomain_policy = "", const std::string& extra = "") {
  if (subdomain_policy.empty()) subdomain_policy = context.subdomain_policy;
  return {"TXT",
          "_dmarc." + policy_domain(context),
          "v=DMARC1; p=" + policy + "; " +
              (subdomain_policy.empty() ? "" : "sp=" + subdomain_policy + "; ") + extra +
              "rua=mailto:…",
          "",
          "",
          ""};
}

// The p= a DMARC record has now ("none" when absent).
inline std::string published_policy(const FixContext& context) {
  return context.policy.empty() ? std::string("none") : context.policy;
}

// A Salesforce key's CNAMEs: <selector>._domainkey.<domain> → <selector>.<6 characters
// of its own>.custdkim.salesforce.com (Salesforce Help, "Create a DKIM Key", read
// 2026-12-07).
inline std::vector<DnsRecord> salesforce_cname_records(const std::string& domain,
                                                       const std::vector<std::string>& selectors) {
  std::vector<DnsRecord> records;
  for (const std::string& selector : selectors) {
    if (selector.empty()) continue;
    records.push_back({"CNAME", selector + "._domainkey." + domain,
                       selector + ".….custdkim.salesforce.com", "", "", ""});
  }
  return records;
}

// Google Workspace's key: a TXT record under the prefix selector "google" (Google
// Workspace Admin Help, "Set up DKIM", support.google.com/a/answer/174126, read 2026-12-07).
inline DnsRecord google_dkim_record(const std::string& domain) {
  return {"TXT", "google._domainkey." + domain, "v=DKIM1; k=rsa; p=…", "", "", ""};
}

// Microsoft 365's two CNAMEs: older tenants point at onmicrosoft.com, newer ones at
// dkim.mail.microsoft (Microsoft Learn, "Set up DKIM to sign mail from your Microsoft 365
// domain", read 2026-12-07); the step copies whichever the portal shows.
inline std::vector<DnsRecord> microsoft_dkim_records(const std::string& domain) {
  std::vector<DnsRecord> records;
  for (const std::string selector : {"selector1", "selector2"}) {
    records.push_back({"CNAME", selector + "._domainkey." + domain,
                       selector + "-…._domainkey.….onmicrosoft.com",
                       selector + "-…._domainkey.….dkim.mail.microsoft", "", ""});
  }
  return records;
}

// `text` with "{domain}" replaced by `domain`.
inline std::string with_domain(std::string text, const std::string& domain) {
  for (std::size_t at = text.find("{domain}"); at != std::string::npos;
       at = text.find("{domain}", at + domain.size())) {
    text.replace(at, 8, domain);
  }
  return text;
}

// The selector records of a failing key, as the sender publishes them: the catalog's
// record for that selector, else a CNAME where the catalog knows the sender's CNAME
// target, else a TXT key.
inline std::vector<DnsRecord> failing_key_records(const FixContext& context,
                                                  const FailingKey& key) {
  std::vector<DnsRecord> records;
  std::string suffix;
  if (context.sender != nullptr) {
    for (const std::string& candidate : context.sender->dkim_cname_suffixes) {
      if (!candidate.empty()) {
        suffix = candidate;
        break;
      }
    }
  }
  for (const std::string& name : key.records) {
    // The catalog's record for this selector, when it names it ("k2._domainkey.{domain}").
    const RecordTemplate* known = nullptr;
    if (context.sender != nullptr) {
      for (const RecordTemplate& row : context.sender->dkim_records) {
        if (with_domain(row.name, key.domain) == name) known = &row;
      }
    }
    if (known != nullptr) {
      records.push_back({known->type, name, with_domain(known->value, key.domain), "", "", ""});
    } else if (suffix.empty()) {
      records.push_back({"TXT", name, "v=DKIM1; k=rsa; p=…", "", "", ""});
    } else {
      records.push_back({"CNAME", name, cname_target(suffix), "", "", ""});
    }
  }
  return records;
}

// The DKIM records the catalog says `context.sender` has customers publish, for the
// From domain.
inline std::vector<DnsRecord> vendor_dkim_records(const FixContext& context) {
  std::vector<DnsRecord> records;
  if (context.sender == nullptr) return records;
  const std::string h = from_domain(context);
  for (const RecordTemplate& row : context.sender->dkim_records) {
    records.push_back({row.type, with_domain(row.name, h), with_domain(row.value, h), "", "", ""});
  }
  return records;
}

// Whether a record's name or value has a part ("…") the user copies from a console.
inline bool has_placeholder(const std::vector<DnsRecord>& records) {
  for (const DnsRecord& record : records) {
    if (record.name.find("…") != std::string::npos || record.value.find("…") != std::string::npos)
      return true;
  }
  return false;
}

// The domains a sender's DKIM CNAMEs point under ("custdkim.salesforce.com"), for a
// sender the catalog knows only by them.
inline std::vector<std::string> cname_targets(const FixContext& context) {
  std::vector<std::string> targets;
  if (context.sender == nullptr) return targets;
  for (const std::string& suffix : context.sender->dkim_cname_suffixes) {
    const std::string target = suffix.starts_with('.') ? suffix.substr(1) : suffix;
    if (!target.empty()) targets.push_back(target);
  }
  return targets;
}

}  // namespace dmarcq::analysis::fix_helpers

#endif  // DMARCQ_ANALYSIS_FIX_HELPERS_H_
