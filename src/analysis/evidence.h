// Private to analysis/: the evidence of a finding, in English and Japanese: what the
// reports show for each cause, how the source was identified, and the domain-level
// observations of the published policy.
#ifndef DMARCQ_ANALYSIS_EVIDENCE_H_
#define DMARCQ_ANALYSIS_EVIDENCE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/fixes.h"
#include "analysis/groups.h"

namespace dmarcq::analysis {

// What the reports show for one cause of a finding.
std::string cause_evidence(Cause cause, const SeenValues& seen, const FixContext& context,
                           Lang lang);

// The evidence of several causes as one text.
std::string join_evidence(const std::vector<std::string>& parts, Lang lang);

// "; identified by ..." for a catalog sender.
std::string identification_clause(Evidence evidence, Lang lang);

// "; through Google Workspace / Gmail (209.85.220.41)" for forwarders and unknown
// sources that came from a catalog sender's servers; "" when none did.
std::string platforms_clause(const std::vector<FindingSource>& sources, Lang lang);

// The domains that unknown sources passed SPF or DKIM for, most messages first.
std::vector<std::string> own_domains(const SeenValues& seen, std::size_t limit);

struct DomainEvidence {
  Cause cause;
  Severity severity;
  std::string evidence;
};

// The domain-level findings of a published policy: p=none, pct, testing, no sp=/np=,
// and readiness (with `legitimate` messages of the customer's own).
std::vector<DomainEvidence> domain_evidence(const store::PublishedPolicy& policy,
                                            const FixContext& context, std::int64_t legitimate,
                                            Lang lang);

}  // namespace dmarcq::analysis

#endif  // DMARCQ_ANALYSIS_EVIDENCE_H_
