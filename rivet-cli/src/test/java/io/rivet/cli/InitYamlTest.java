package io.rivet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rivet.ChunkedMode;
import io.rivet.Export;
import io.rivet.Mode;
import io.rivet.Profile;
import io.rivet.check.TableDiscovery;
import io.rivet.cli.config.ConfigLoader;
import io.rivet.cli.config.RivetConfig;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The YAML {@code rivet init} writes, from hand-made discoveries: no database. */
class InitYamlTest {

    private static TableDiscovery table(String name, Mode mode, Profile profile, String query) {
        return TableDiscovery.builder(name).rowEstimate(2_000_000).totalBytes(3_000_000).suggestedMode(mode)
                .suggestedProfile(profile).suggestedQuery(query).reason("mode " + mode.name() + ": because")
                .note("look at this with \"quotes\" and a # hash").build();
    }

    @Test
    void scaffold_loadsBackIntoTheSameExports() {
        List<TableDiscovery> tables = List.of(
                table("sales.orders", Mode.chunked("id").chunkSize(200_000).parallelism(2), Profile.SAFE, null),
                table("sales.events", Mode.incremental("updated_at").tieBreaker("id"), Profile.BALANCED, null),
                table("sales.Odd Name", Mode.full(), Profile.BALANCED, "SELECT * FROM \"sales\".\"Odd Name\""),
                table("other.orders", Mode.full(), Profile.SAFE, null));
        String yaml = InitYaml.render("postgres", "SHOP_URL", "schema sales", tables, "parquet", "out dir");

        RivetConfig config = ConfigLoader.parse(yaml, "rivet.yaml", Path.of("/tmp/x/rivet.yaml"),
                Map.of("SHOP_URL", "postgresql://u@h/db"));
        List<Export> exports = config.exports();
        assertEquals(List.of("orders", "events", "Odd_Name", "other_orders"), exports.stream().map(Export::name)
                .toList());
        ChunkedMode chunked = (ChunkedMode) exports.get(0).mode();
        assertEquals("id", chunked.column());
        assertEquals(200_000, chunked.chunkSize());
        assertEquals(2, chunked.parallelism());
        assertEquals(Profile.SAFE, exports.get(0).profile());
        assertEquals(Profile.BALANCED, exports.get(1).profile(), "its own tuning beats the source's");
        assertEquals("SELECT * FROM \"sales\".\"Odd Name\"", exports.get(2).query());
        assertEquals("sales.orders", exports.get(0).table());
        assertEquals(Path.of("/tmp/x/out dir").toUri().toString(), exports.get(0).sink().location());
        assertTrue(yaml.contains("  # REVIEW: look at this with \"quotes\" and a # hash.\n"), yaml);
        assertTrue(yaml.contains("    profile: safe\n"), yaml);
    }

    @Test
    void scalars_areQuotedOnlyWhenNeeded() {
        assertEquals("orders", InitYaml.scalar("orders"));
        assertEquals("public.orders", InitYaml.scalar("public.orders"));
        assertEquals("\"yes\"", InitYaml.scalar("yes"));
        assertEquals("\"Off\"", InitYaml.scalar("Off"));
        assertEquals("\"a b\"", InitYaml.scalar("a b"));
        assertEquals("\"1abc\"", InitYaml.scalar("1abc"));
        assertEquals("\"say \\\"hi\\\"\\\\\\n\"", InitYaml.scalar("say \"hi\"\\\n"));
    }

    @Test
    void names_areValidAndUnique() {
        Set<String> taken = new HashSet<>();
        assertEquals("orders", InitYaml.uniqueName(table("a.orders", Mode.full(), Profile.SAFE, null), taken));
        assertEquals("b_orders", InitYaml.uniqueName(table("b.orders", Mode.full(), Profile.SAFE, null), taken));
        assertEquals("b_orders_2", InitYaml.uniqueName(table("b.orders", Mode.full(), Profile.SAFE, null), taken));
        assertEquals("t_x", InitYaml.uniqueName(table("a._x", Mode.full(), Profile.SAFE, null), taken));
        assertEquals("caf_", InitYaml.uniqueName(table("a.café", Mode.full(), Profile.SAFE, null), taken));
    }

    @Test
    void mostCautiousProfile() {
        assertEquals(Profile.BALANCED, InitYaml.mostCautious(List.of()));
        assertEquals(Profile.FAST, InitYaml.mostCautious(List.of(table("a.b", Mode.full(), Profile.FAST, null))));
        assertEquals(Profile.SAFE, InitYaml.mostCautious(List.of(table("a.b", Mode.full(), Profile.FAST, null),
                table("a.c", Mode.full(), Profile.SAFE, null), table("a.d", Mode.full(), Profile.BALANCED, null))));
    }

    @Test
    void checkTable_dropsTheRepeatedExportPrefix() {
        assertEquals("Cursor_column x", CheckCommand.stripExport("Export \"o\": cursor_column x", "o"));
        assertEquals("Export \"p\": x", CheckCommand.stripExport("Export \"p\": x", "o"));
    }
}
