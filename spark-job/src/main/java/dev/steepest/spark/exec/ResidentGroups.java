package dev.steepest.spark.exec;

import dev.steepest.core.data.Block;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.NarrowDependency;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import scala.collection.immutable.Seq;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The cached blocks grouped as a {@link ResidentLayout} says: partition {@code t} of this RDD is resident task
 * {@code t}, whose iterator yields the blocks of the task's partitions in the layout's (ascending) order, and
 * which prefers the executor the layout names (where those blocks are cached). A narrow dependency, as Spark's
 * {@code coalesce} without shuffle, so the resident job is one stage over the cached blocks.
 */
final class ResidentGroups extends RDD<Block> {
    private static final long serialVersionUID = 1L;
    @SuppressWarnings("unchecked")
    private static final ClassTag<Block> TAG = (ClassTag<Block>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();

    private final ResidentLayout layout;

    ResidentGroups(RDD<Block> blocks, ResidentLayout layout) {
        super(blocks.context(), dependency(blocks, layout), TAG);
        this.layout = layout;
    }

    private static Seq<Dependency<?>> dependency(RDD<Block> blocks, ResidentLayout layout) {
        List<Dependency<?>> deps = new ArrayList<>();
        deps.add(new Narrow(blocks, layout));
        return CollectionConverters.asScala(deps).toList();
    }

    /** Task {@code t} depends on the partitions the layout gives it. */
    private static final class Narrow extends NarrowDependency<Block> {
        private static final long serialVersionUID = 1L;
        private final ResidentLayout layout;

        Narrow(RDD<Block> rdd, ResidentLayout layout) {
            super(rdd);
            this.layout = layout;
        }

        @Override
        public Seq<Object> getParents(int partitionId) {
            List<Object> parents = new ArrayList<>();
            for (int p : layout.tasks[partitionId]) parents.add(p);
            return CollectionConverters.asScala(parents).toList();
        }
    }

    /** One resident task: its index and the parent partitions it reads. */
    private static final class Group implements Partition {
        private static final long serialVersionUID = 1L;
        private final int index;
        private final Partition[] parents;

        Group(int index, Partition[] parents) {
            this.index = index;
            this.parents = parents;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public int hashCode() {
            return index;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Group g && g.index == index;
        }
    }

    @Override
    public Partition[] getPartitions() {
        Partition[] parent = firstParent(TAG).partitions();
        Partition[] groups = new Partition[layout.numTasks()];
        for (int t = 0; t < groups.length; t++) {
            int[] parts = layout.tasks[t];
            Partition[] ps = new Partition[parts.length];
            for (int i = 0; i < parts.length; i++) ps[i] = parent[parts[i]];
            groups[t] = new Group(t, ps);
        }
        return groups;
    }

    @Override
    public scala.collection.Iterator<Block> compute(Partition split, TaskContext context) {
        RDD<Block> parent = firstParent(TAG);
        List<Block> blocks = new ArrayList<>();
        for (Partition p : ((Group) split).parents) {
            scala.collection.Iterator<Block> it = parent.iterator(p, context);
            blocks.add(it.next());
        }
        return CollectionConverters.asScala(blocks.iterator());
    }

    @Override
    public Seq<String> getPreferredLocations(Partition split) {
        String where = layout.executors[split.index()];
        List<String> locs = where == null ? List.of() : List.of(where);
        return CollectionConverters.asScala(locs).toList();
    }
}
