package io.rivet.spark;

import io.rivet.core.internal.distributed.ChunkDispatcher;
import io.rivet.core.internal.distributed.ChunkJob;
import io.rivet.core.internal.distributed.ChunkResult;
import io.rivet.core.internal.pipeline.RemoteChunks;
import io.rivet.core.internal.plan.ChunkTask;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Function2;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.BoxedUnit;

/**
 * Runs a run's chunk tasks as one Spark job. The tasks are dealt round-robin into at most {@code maxConnections}
 * groups, one Spark partition each; a partition runs its chunks one after another on one source connection, so the
 * job never holds more than {@code maxConnections} source sessions at once (speculative copies aside, see
 * docs/spark.md). Each partition's chunk results reach the driver as soon as the partition finishes, and are recorded
 * there; a partition that Spark retries re-publishes its chunks under the same names.
 */
final class SparkChunkDispatcher implements ChunkDispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(SparkChunkDispatcher.class);

    private final SparkSession spark;
    private final RivetSpark.Options options;

    SparkChunkDispatcher(SparkSession spark, RivetSpark.Options options) {
        this.spark = spark;
        this.options = options;
    }

    @Override
    public void dispatch(ChunkJob job, List<ChunkTask> tasks, Consumer<ChunkResult> onResult) {
        int groups = Math.min(options.maxConnections(), tasks.size());
        List<ArrayList<ChunkTask>> grouped = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            grouped.add(new ArrayList<>());
        }
        for (int i = 0; i < tasks.size(); i++) {
            grouped.get(i % groups).add(tasks.get(i));
        }
        if (Boolean.parseBoolean(spark.sparkContext().getConf().get("spark.speculation", "false"))) {
            LOG.warn("{}: spark.speculation is on; a speculative copy of a partition opens one more source"
                    + " connection than max connections while it runs", job.exportName());
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String group = "rivet-" + job.exportName() + "-" + job.runId();
        jsc.setJobGroup(group, "Rivet export " + job.exportName() + " run "
                + job.runId() + ": " + tasks.size() + " chunks on " + groups + " connections", false);
        JavaRDD<ArrayList<ChunkTask>> rdd = jsc.parallelize(grouped, groups);
        RemoteChunks.Hook hook = options.executorHook();
        Function2<TaskContext, Iterator<ArrayList<ChunkTask>>, ArrayList<ChunkResult>> run = partitionRunner(job, hook);
        AtomicReference<RuntimeException> driverFailure = new AtomicReference<>();
        Function2<Object, ArrayList<ChunkResult>, BoxedUnit> handler = (index, results) -> {
            // Called on the driver as each partition succeeds; a throw here fails the job. Spark may still hand over
            // partitions that finish after that; the failed run records nothing more (a resume redoes them).
            if (driverFailure.get() != null) {
                return BoxedUnit.UNIT;
            }
            try {
                for (ChunkResult r : results) {
                    onResult.accept(r);
                    options.driverHook().accept(r);
                }
            } catch (RuntimeException e) {
                driverFailure.compareAndSet(null, e);
                throw e;
            }
            return BoxedUnit.UNIT;
        };
        ClassTag<ArrayList<ChunkResult>> tag = ClassTag$.MODULE$.apply(ArrayList.class);
        try {
            spark.sparkContext().runJob(rdd.rdd(), run, handler, tag);
        } catch (Exception e) {
            // Scala rethrows SparkException (checked) undeclared. Stop what still runs of the job: a resumed run must
            // not race with it, and a failed run holds no source connections.
            jsc.cancelJobGroup(group);
            RuntimeException recorded = driverFailure.get();
            throw RivetSpark.translate(job.exportName(), recorded != null ? recorded : e);
        } finally {
            jsc.clearJobGroup();
        }
    }

    /** The executor side, as a serializable function that captures only the job and the hook. */
    private static Function2<TaskContext, Iterator<ArrayList<ChunkTask>>, ArrayList<ChunkResult>> partitionRunner(
            ChunkJob job, RemoteChunks.Hook hook) {
        return (Function2<TaskContext, Iterator<ArrayList<ChunkTask>>, ArrayList<ChunkResult>> & Serializable)
                (context, partition) -> {
                    ArrayList<ChunkResult> results = new ArrayList<>();
                    try (RemoteChunks chunks = new RemoteChunks(job, hook)) {
                        while (partition.hasNext()) {
                            results.addAll(chunks.runAll(partition.next().iterator()));
                        }
                    }
                    return results;
                };
    }
}
