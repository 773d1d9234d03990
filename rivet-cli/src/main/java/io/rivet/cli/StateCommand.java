package io.rivet.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rivet.cli.config.RivetConfig;
import io.rivet.state.ChunkCheckpoint;
import io.rivet.state.ChunkRun;
import io.rivet.state.ChunkStatus;
import io.rivet.state.CursorState;
import io.rivet.state.SchemaBaseline;
import io.rivet.state.StateStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rivet state}: what the state store remembers of each export: its incremental cursor, its unfinished chunk
 * run with the chunks left to resume, and its accepted schema.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Show each export's cursor, unfinished chunk run and accepted schema.")
final class StateCommand implements Callable<Integer> {
    private final RivetCli cli;

    @Option(names = {"-c", "--config"}, required = true, description = "The rivet.yaml file.")
    Path config;

    @Option(names = {"-e", "--export"}, description = "Only this export (repeatable).")
    List<String> only = new ArrayList<>();

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    StateCommand(RivetCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        RivetConfig loaded = StateAccess.load(config, cli);
        List<String> names = StateAccess.exportNames(loaded, only, config);
        PrintWriter out = cli.out();
        StateStore store = StateAccess.open(loaded);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode all = mapper.createArrayNode();
        try {
            for (String name : names) {
                Optional<CursorState> cursor = store == null ? Optional.empty() : store.cursor(name);
                Optional<ChunkRun> chunkRun = store == null ? Optional.empty() : store.unfinishedChunkRun(name);
                Optional<SchemaBaseline> schema = store == null ? Optional.empty() : store.schema(name);
                if (json) {
                    all.add(toJson(mapper, name, cursor, chunkRun, schema));
                } else {
                    print(out, name, cursor, chunkRun, schema);
                }
            }
            if (json) {
                out.println(mapper.writeValueAsString(all));
            }
            return ExitCodes.OK;
        } finally {
            if (store != null) {
                store.close();
            }
        }
    }

    private static void print(PrintWriter out, String name, Optional<CursorState> cursor, Optional<ChunkRun> run,
            Optional<SchemaBaseline> schema) {
        out.println(name + ":");
        out.println("  cursor:  " + cursor.map(c -> c.value() + (c.tieBreakerValue() == null ? ""
                : " (tie-breaker " + c.tieBreakerValue() + ")") + ", from run " + c.runId() + " at " + c.updatedAt())
                .orElse("none"));
        if (run.isPresent()) {
            ChunkRun r = run.get();
            long done = r.chunks().stream().filter(c -> c.status() == ChunkStatus.DONE).count();
            out.println("  unfinished chunk run " + r.runId() + ": " + done + " of " + r.chunks().size()
                    + " chunks done; resume with: rivet run -c <config> -e " + name + " --resume");
            for (ChunkCheckpoint c : r.chunks()) {
                if (c.status() == ChunkStatus.FAILED) {
                    out.println("    chunk " + c.index() + " (" + c.lowerBound() + ".." + c.upperBound() + ") failed"
                            + " after " + c.attempts() + " attempt" + (c.attempts() == 1 ? "" : "s") + ": "
                            + c.error());
                }
            }
        } else {
            out.println("  unfinished chunk run: none");
        }
        out.println("  schema:  " + schema.map(s -> s.columns().size() + " columns, accepted by run " + s.runId())
                .orElse("none accepted yet"));
    }

    private static ObjectNode toJson(ObjectMapper mapper, String name, Optional<CursorState> cursor,
            Optional<ChunkRun> run, Optional<SchemaBaseline> schema) {
        ObjectNode node = mapper.createObjectNode();
        node.put("export", name);
        if (cursor.isPresent()) {
            ObjectNode c = node.putObject("cursor");
            c.put("value", cursor.get().value());
            c.put("tie_breaker_value", cursor.get().tieBreakerValue());
            c.put("run_id", cursor.get().runId());
            c.put("updated_at", String.valueOf(cursor.get().updatedAt()));
        } else {
            node.putNull("cursor");
        }
        if (run.isPresent()) {
            ObjectNode r = node.putObject("unfinished_chunk_run");
            r.put("run_id", run.get().runId());
            ArrayNode chunks = r.putArray("chunks");
            for (ChunkCheckpoint c : run.get().chunks()) {
                ObjectNode n = chunks.addObject();
                n.put("index", c.index());
                n.put("lower", c.lowerBound());
                n.put("upper", c.upperBound());
                n.put("status", c.status().name().toLowerCase(Locale.ROOT));
                n.put("rows", c.rows());
                n.put("attempts", c.attempts());
                n.put("error", c.error());
            }
        } else {
            node.putNull("unfinished_chunk_run");
        }
        if (schema.isPresent()) {
            ObjectNode s = node.putObject("schema");
            s.put("run_id", schema.get().runId());
            ArrayNode cols = s.putArray("columns");
            schema.get().columns().forEach(cols::add);
        } else {
            node.putNull("schema");
        }
        return node;
    }
}
