package io.rivet.check;

import io.rivet.Profile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link io.rivet.Rivet#check(io.rivet.Export)} found about one export before running it. Immutable and
 * thread-safe.
 *
 * <p>The {@linkplain #verdict() verdict} follows from the findings: any {@link Severity#FAIL} makes it
 * {@link Verdict#NOT_READY}, any {@link Severity#WARN} {@link Verdict#READY_WITH_WARNINGS}. A probe the connected user
 * may not run (a system view it cannot read) never fails the check: it becomes an INFO finding with code
 * {@code not_checked} saying what could not be checked.
 *
 * <p>{@linkplain #facts() Facts} are the raw observations behind the findings (server version, connection counts,
 * timeouts in effect...), as ordered name/value text, for logs and {@code rivet check --json}.
 */
public final class CheckReport {
    private final String exportName;
    private final String target;
    private final String mode;
    private final List<Finding> findings;
    private final long rowEstimate;
    private final String planSummary;
    private final Profile recommendedProfile;
    private final String profileReason;
    private final Map<String, String> facts;

    private CheckReport(Builder b) {
        this.exportName = b.exportName;
        this.target = b.target;
        this.mode = b.mode;
        List<Finding> sorted = new ArrayList<>(b.findings);
        // Most severe first; List.sort is stable, so the order found is kept within a severity.
        sorted.sort((x, y) -> y.severity().compareTo(x.severity()));
        this.findings = List.copyOf(sorted);
        this.rowEstimate = b.rowEstimate;
        this.planSummary = b.planSummary;
        this.recommendedProfile = b.recommendedProfile;
        this.profileReason = b.profileReason;
        this.facts = Collections.unmodifiableMap(new LinkedHashMap<>(b.facts));
    }

    /** Starts a report for the export called {@code exportName}. */
    public static Builder builder(String exportName) {
        return new Builder(exportName);
    }

    /** The export's name. */
    public String exportName() {
        return exportName;
    }

    /** What the export reads: the table as configured ({@code schema.table}) or {@code query}. */
    public String target() {
        return target;
    }

    /** The export's mode name: {@code full}, {@code incremental}, {@code chunked} or {@code time_window}. */
    public String mode() {
        return mode;
    }

    /** Every finding, most severe first, in the order found within a severity. Unmodifiable. */
    public List<Finding> findings() {
        return findings;
    }

    /** The findings of one severity, in order. */
    public List<Finding> findings(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).toList();
    }

    /** The first finding with {@code code}, or empty when there is none. */
    public Optional<Finding> finding(String code) {
        return findings.stream().filter(f -> f.code().equals(code)).findFirst();
    }

    /** Whether some finding has {@code code}. */
    public boolean has(String code) {
        return finding(code).isPresent();
    }

    /** The verdict: derived from the findings (see {@link Verdict#of(List)}). */
    public Verdict verdict() {
        return Verdict.of(findings);
    }

    /** The planner's estimate of the rows one run reads, or -1 when it could not be estimated. */
    public long rowEstimate() {
        return rowEstimate;
    }

    /**
     * One line describing the database's plan for the export's read, e.g.
     * {@code Seq Scan on public.orders (rows=1000000, cost=18334)}, or {@code null} when no plan was obtained.
     */
    public String planSummary() {
        return planSummary;
    }

    /** The built-in profile Rivet recommends for this export and source ({@code SAFE}, {@code BALANCED} or {@code FAST}). */
    public Profile recommendedProfile() {
        return recommendedProfile;
    }

    /** Why that profile is recommended, in one sentence. */
    public String profileReason() {
        return profileReason;
    }

    /** The observations behind the findings, in the order made. Unmodifiable. */
    public Map<String, String> facts() {
        return facts;
    }

    @Override
    public String toString() {
        return "CheckReport{" + exportName + ", " + verdict() + ", " + findings.size() + " findings, profile "
                + recommendedProfile.name() + "}";
    }

    /** Builds a {@link CheckReport}. Not thread-safe; {@link #build()} leaves the builder usable. */
    public static final class Builder {
        private final String exportName;
        private String target = "query";
        private String mode = "full";
        private final List<Finding> findings = new ArrayList<>();
        private long rowEstimate = -1;
        private String planSummary;
        private Profile recommendedProfile = Profile.BALANCED;
        private String profileReason = "the default profile";
        private final Map<String, String> facts = new LinkedHashMap<>();

        private Builder(String exportName) {
            this.exportName = Objects.requireNonNull(exportName, "exportName");
        }

        /** What the export reads: {@code schema.table} or {@code query} (the default). */
        public Builder target(String target) {
            this.target = Objects.requireNonNull(target, "target");
            return this;
        }

        /** The export's mode name (default {@code full}). */
        public Builder mode(String mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Adds a finding. */
        public Builder add(Finding finding) {
            findings.add(Objects.requireNonNull(finding, "finding"));
            return this;
        }

        /** The estimated rows of one run (default -1: unknown). */
        public Builder rowEstimate(long rowEstimate) {
            this.rowEstimate = rowEstimate < 0 ? -1 : rowEstimate;
            return this;
        }

        /** The one-line plan summary, or {@code null} (the default) when none. */
        public Builder planSummary(String planSummary) {
            this.planSummary = planSummary;
            return this;
        }

        /** The recommended profile and why (default BALANCED, "the default profile"). */
        public Builder recommendedProfile(Profile profile, String reason) {
            this.recommendedProfile = Objects.requireNonNull(profile, "profile");
            this.profileReason = Objects.requireNonNull(reason, "reason");
            return this;
        }

        /** Records a fact; a {@code null} value is recorded as {@code unknown}. A repeated name replaces the value. */
        public Builder fact(String name, Object value) {
            facts.put(Objects.requireNonNull(name, "name"), value == null ? "unknown" : value.toString());
            return this;
        }

        /** Returns the report, its findings ordered FAIL, WARN, INFO (stable within a severity). */
        public CheckReport build() {
            return new CheckReport(this);
        }
    }
}
