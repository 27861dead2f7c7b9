// attribute: the rules of senders.md section 6 for one record. First whose mail it is
// (the customer's own use of a sender, forwarded mail, or someone else's), then one
// cause per mechanism that does not align, each with its severity.
//
// The reporter's policy_evaluated verdict decides pass or fail. The raw auth_results
// only choose the party and the cause: which domain SPF passed for, which signatures
// were there.
#include <algorithm>
#include <array>

#include "analysis/analysis.h"

namespace dmarcq::analysis {

namespace {

bool is_forward_reason(const report::PolicyReason& reason) {
  if (reason.type == "forwarded" || reason.type == "trusted_forwarder" ||
      reason.type == "mailing_list") {
    return true;
  }
  return reason.type == "local_policy" && reason.comment.find("arc=pass") != std::string::npos;
}

// SPF results that mean the record does not authorise the source. temperror and
// permerror are not among them: the first is the receiver's DNS, the second the
// record's syntax or size.
bool is_spf_failure(const std::string& result) {
  return result == "fail" || result == "softfail" || result == "neutral" || result == "none" ||
         result.empty();
}

bool matches_any(std::string_view domain, const std::vector<std::string>& suffixes) {
  return std::any_of(suffixes.begin(), suffixes.end(), [&](const std::string& suffix) {
    return domain_matches_suffix(domain, suffix);
  });
}

// Google signs a Workspace's mail by default with d=<primary-domain-dashed>.<date>.
// gappssmtp.com (example-co-jp.20230601.gappssmtp.com for example.co.jp): the label
// names the account, so the customer's default is told from another Workspace's.
// (Microsoft's <tenant>.onmicrosoft.com names a tenant chosen freely, not the domain:
// it says nothing of whose tenant it is.)
enum class AccountDomain { kNone, kCustomers, kOthers };

AccountDomain account_domain(std::string_view domain, const std::string& from) {
  constexpr std::string_view kGoogle = ".gappssmtp.com";
  if (!domain.ends_with(kGoogle)) return AccountDomain::kNone;
  const std::string_view label = domain.substr(0, domain.find('.'));
  auto dashed = [](std::string name) {
    std::replace(name.begin(), name.end(), '.', '-');
    return name;
  };
  const bool customers = label == dashed(from) || label == dashed(organizational_domain(from));
  return customers ? AccountDomain::kCustomers : AccountDomain::kOthers;
}

// The facts of a record that decide its party and causes, computed once.
struct Shape {
  std::string from;
  bool dmarc_pass = false;
  const report::SpfResult* mfrom = nullptr;  // the envelope (MAIL FROM) result, if any
  bool envelope_owned = false;               // the envelope is the From domain's organization
  bool customer_signature = false;           // a signature of the From domain's organization
  bool customer_signature_pass = false;
  bool customer_signature_aligned_pass = false;  // passes and aligns under the published adkim
  bool customer_signatures_temperror_only = false;
  bool other_account_signature = false;  // another Workspace's default signature
};

Shape shape_of(const RecordFacts& facts, bool strict_dkim) {
  Shape shape;
  shape.from = facts.header_from.empty() ? facts.policy_domain : facts.header_from;
  shape.dmarc_pass = facts.dkim_aligned == "pass" || facts.spf_aligned == "pass";
  for (const report::SpfResult& spf : facts.spf) {
    if (spf.scope != "helo" && !spf.domain.empty()) {
      shape.mfrom = &spf;
      break;
    }
  }
  shape.envelope_owned = shape.mfrom != nullptr && aligned(shape.mfrom->domain, shape.from, false);
  bool only_temperror = true;
  for (const report::DkimResult& dkim : facts.dkim) {
    if (account_domain(dkim.domain, shape.from) == AccountDomain::kOthers)
      shape.other_account_signature = true;
    if (!aligned(dkim.domain, shape.from, false)) continue;
    shape.customer_signature = true;
    if (dkim.result == "pass") {
      shape.customer_signature_pass = true;
      if (aligned(dkim.domain, shape.from, strict_dkim))
        shape.customer_signature_aligned_pass = true;
    }
    if (dkim.result != "temperror") only_temperror = false;
  }
  shape.customer_signatures_temperror_only =
      shape.customer_signature && !shape.customer_signature_pass && only_temperror;
  return shape;
}

Severity failing(const Shape& shape) {
  return shape.dmarc_pass ? Severity::kWarn : Severity::kFail;
}

// Is a known sender's record the customer's own use of it? See Party.
enum class Use { kOwn, kForwarded, kOtherAccount };

Use use_of(const RecordFacts& facts, const Identity& identity, const Shape& shape) {
  const Sender& sender = *identity.sender;
  // A vendor's signature seen from outside the vendor's published ranges travelled
  // there: the vendor signed, someone else relayed. (A vendor known only by its
  // signing domain has no ranges to be outside of: its signature identifies it.)
  const bool signature_only = identity.evidence == Evidence::kDkimPass;
  if (signature_only && !identity.in_range && !sender.ip_ranges.empty()) return Use::kForwarded;
  if (signature_only && shape.mfrom != nullptr &&
      matches_any(shape.mfrom->domain, sender.envelope_suffixes) && shape.mfrom->result != "pass") {
    return Use::kForwarded;  // the vendor's own envelope no longer passes: not the vendor's server
  }
  if (shape.envelope_owned) {
    // Workspace routing keeps the envelope but adds the forwarding Workspace's signature.
    return shape.customer_signature && shape.other_account_signature ? Use::kForwarded : Use::kOwn;
  }
  if (shape.mfrom != nullptr && matches_any(shape.mfrom->domain, sender.envelope_suffixes))
    return Use::kOwn;
  if (shape.mfrom == nullptr) {
    // Null sender (bounces, auto-replies): the signatures decide.
    if (shape.customer_signature && !shape.other_account_signature) return Use::kOwn;
    for (const report::DkimResult& dkim : facts.dkim) {
      if (dkim.result == "pass" && matches_any(dkim.domain, sender.dkim_domain_suffixes) &&
          account_domain(dkim.domain, shape.from) != AccountDomain::kOthers) {
        return Use::kOwn;
      }
    }
    return Use::kOtherAccount;
  }
  // An envelope that is neither the customer's nor one the catalog knows for the sender.
  if (sender.envelope_is_customer_domain) {
    // A mailbox platform sends the customer's mail with the customer's envelope: another
    // envelope is a forwarder's (SRS, +caf_) when the customer's signature came along,
    // else another account's (a free Gmail or another tenant).
    return shape.customer_signature ? Use::kForwarded : Use::kOtherAccount;
  }
  // A sending service does not forward; its envelope domains may be missing from the
  // catalog. The customer's signature, or the service's default one, says it is the
  // customer's own use.
  if (shape.customer_signature) return Use::kOwn;
  for (const report::DkimResult& dkim : facts.dkim) {
    if (dkim.result == "pass" && matches_any(dkim.domain, sender.dkim_domain_suffixes))
      return Use::kOwn;
  }
  return Use::kOtherAccount;
}

void add_unauthorized(Attribution& out, const RecordFacts& facts, const Shape& shape) {
  out.party = Party::kUnknown;
  out.causes.push_back({Cause::kUnauthorized, Severity::kFail});
  if (shape.mfrom != nullptr && !shape.envelope_owned && shape.mfrom->result == "pass")
    out.own_domain_pass = true;
  for (const report::DkimResult& dkim : facts.dkim) {
    if (dkim.result == "pass" && !aligned(dkim.domain, shape.from, false))
      out.own_domain_pass = true;
  }
}

}  // namespace

const char* cause_id(Cause cause) {
  switch (cause) {
    case Cause::kSpfIncludeMissing: return "spf_include_missing";
    case Cause::kSpfNotAligned: return "spf_not_aligned";
    case Cause::kDkimNotActivated: return "dkim_not_activated";
    case Cause::kDkimKeyUnpublished: return "dkim_key_unpublished";
    case Cause::kSpfPermerror: return "spf_permerror";
    case Cause::kForwarded: return "forwarded";
    case Cause::kUnauthorized: return "unauthorized";
    case Cause::kTransient: return "transient";
    case Cause::kPolicyNone: return "policy_none";
    case Cause::kPolicyPartial: return "policy_pct";
    case Cause::kPolicyTesting: return "policy_testing";
    case Cause::kSubdomainPolicyMissing: return "subdomain_policy_missing";
    case Cause::kEnforcementReadiness: return "enforcement_readiness";
  }
  return "unknown";
}

std::optional<Cause> parse_cause(std::string_view id) {
  static constexpr std::array kAll = {
      Cause::kSpfIncludeMissing,   Cause::kSpfNotAligned, Cause::kDkimNotActivated,
      Cause::kDkimKeyUnpublished,  Cause::kSpfPermerror,  Cause::kForwarded,
      Cause::kUnauthorized,        Cause::kTransient,     Cause::kPolicyNone,
      Cause::kPolicyPartial,       Cause::kPolicyTesting, Cause::kSubdomainPolicyMissing,
      Cause::kEnforcementReadiness};
  for (Cause cause : kAll) {
    if (id == cause_id(cause)) return cause;
  }
  return std::nullopt;
}

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::kFail: return "fail";
    case Severity::kWarn: return "warn";
    case Severity::kInfo: return "info";
  }
  return "info";
}

std::string sender_key(const Identity& identity) {
  return identity.sender != nullptr ? identity.sender->id : "unknown";
}

Attribution attribute_record(const RecordFacts& facts, const Identity& identity, bool strict_dkim,
                             bool strict_spf) {
  const Shape shape = shape_of(facts, strict_dkim);
  Attribution out;
  out.sender = identity.sender;

  // A1: the receiver says it was forwarded, or trusted an ARC chain.
  if (std::any_of(facts.reasons.begin(), facts.reasons.end(), is_forward_reason)) {
    out.party = Party::kForwarder;
    out.causes.push_back({Cause::kForwarded, Severity::kInfo});
    return out;
  }
  if (identity.sender != nullptr && identity.sender->role == Role::kForwarder) {
    out.party = Party::kForwarder;  // a mailing-list service vouched for by its own SPF or DKIM
    out.causes.push_back({Cause::kForwarded, Severity::kInfo});
    return out;
  }

  if (identity.sender == nullptr) {
    if (shape.dmarc_pass) {
      // A2: the customer's signature survived while SPF failed, from a source
      // outside the catalog: forwarding.
      if (facts.dkim_aligned == "pass" && facts.spf_aligned != "pass") {
        out.party = Party::kForwarder;
        out.causes.push_back({Cause::kForwarded, Severity::kInfo});
      }
      return out;  // otherwise the customer's own server, passing
    }
    // A3 (a list that broke the signature) is left to the receiver's reasons (A1): a
    // failing signature plus an SPF pass for another domain is trivial to forge, and
    // calling it forwarding would hide spoofing from the readiness share.
    if (shape.envelope_owned && shape.mfrom->result == "permerror") {
      out.causes.push_back({Cause::kSpfPermerror, Severity::kFail});
    }
    add_unauthorized(out, facts, shape);  // A17
    return out;
  }

  switch (use_of(facts, identity, shape)) {
    case Use::kForwarded:  // A2 for platforms: Google Groups, Gmail and Microsoft 365 forwarding
      out.party = Party::kForwarder;
      out.causes.push_back({Cause::kForwarded, Severity::kInfo});
      return out;
    case Use::kOtherAccount:  // A11b: another account of the platform sending as the customer
      if (shape.dmarc_pass) return out;
      add_unauthorized(out, facts, shape);
      return out;
    case Use::kOwn: break;
  }

  // The customer's own use of a known sender: each mechanism that does not align is a
  // cause of its own.
  out.party = Party::kSender;
  const report::SpfResult* mfrom = shape.mfrom;
  bool spf_transient = false;
  if (facts.spf_aligned != "pass" && mfrom != nullptr) {
    const std::string& result = mfrom->result;
    if (shape.envelope_owned) {
      if (result == "permerror") {
        out.causes.push_back({Cause::kSpfPermerror, failing(shape)});  // A4
      } else if (result == "temperror") {
        // A14: the receiver's DNS, or the domain's if every receiver sees it for days:
        // the weighing across reporters (weights.h) decides.
        out.spf_temperror_only = true;
        out.causes.push_back({Cause::kSpfPermerror, failing(shape)});
      } else if (result == "pass" && aligned(mfrom->domain, shape.from, strict_spf)) {
        // The reporter's own result aligns, its verdict says otherwise: its verdict is
        // the odd one out, not the customer's set-up.
        out.causes.push_back({Cause::kTransient, Severity::kInfo});
        spf_transient = true;
      } else if (result == "pass") {
        // Passes for a subdomain or parent of the From domain: aspf=s (A11d).
        out.strict_spf = strict_spf;
        out.causes.push_back({Cause::kSpfNotAligned, shape.customer_signature_aligned_pass
                                                         ? Severity::kInfo
                                                         : failing(shape)});
      } else if (is_spf_failure(result)) {
        out.causes.push_back({Cause::kSpfIncludeMissing, failing(shape)});  // A6, A10
      }
    } else if (result == "pass") {
      // The vendor's own envelope (A5, A9). With the customer's DKIM passing, this is
      // the vendor's normal set-up: information only (A11).
      out.causes.push_back(
          {Cause::kSpfNotAligned, facts.dkim_aligned == "pass" ? Severity::kInfo : failing(shape)});
    }
  }
  bool dkim_transient = false;
  if (facts.dkim_aligned != "pass") {
    if (shape.customer_signature_aligned_pass) {
      // The reporter's own result aligns, its verdict says otherwise (see SPF above).
      out.causes.push_back({Cause::kTransient, Severity::kInfo});
      dkim_transient = true;
    } else if (shape.customer_signature_pass) {
      // Passes for a subdomain or parent of the From domain: adkim=s (A11d).
      out.strict_dkim = strict_dkim;
      out.causes.push_back({Cause::kDkimNotActivated, failing(shape)});
    } else if (shape.customer_signatures_temperror_only) {
      // A14: the receiver's DNS. Transient unless every receiver sees it for days: the
      // weighing across reporters (weights.h) decides.
      out.dkim_temperror_only = true;
      out.causes.push_back({Cause::kDkimKeyUnpublished, failing(shape)});
    } else if (shape.customer_signature) {
      out.causes.push_back({Cause::kDkimKeyUnpublished, failing(shape)});  // A7, A12, A13
    } else {
      out.causes.push_back({Cause::kDkimNotActivated, failing(shape)});  // A5, A8, A9, A11c
    }
  }
  // A mechanism that failed only for the receiver (its DNS, or a verdict its own result
  // contradicts) counts as passing when the other is graded: DMARC would have passed,
  // so the other's cause is at most a warning, and a vendor envelope beside the
  // customer's key is the vendor's normal set-up.
  if (dkim_transient || spf_transient) {
    for (CauseAt& at : out.causes) {
      if (at.cause == Cause::kTransient || at.severity == Severity::kInfo) continue;
      at.severity =
          at.cause == Cause::kSpfNotAligned && dkim_transient ? Severity::kInfo : Severity::kWarn;
    }
  }
  return out;
}

}  // namespace dmarcq::analysis
