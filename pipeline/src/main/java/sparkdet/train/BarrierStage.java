package sparkdet.train;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.rdd.RDD;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * {@code rdd.barrier().mapPartitions(f)} from Java: all partitions' tasks start together (or the
 * stage waits until they can), and a failed task fails and retries the whole stage. The Java RDD
 * API has no barrier(), so the function is bridged to Scala's here.
 */
public final class BarrierStage {
    private BarrierStage() {
    }

    public static <T, R> JavaRDD<R> mapPartitions(JavaRDD<T> rdd, FlatMapFunction<Iterator<T>, R> f) {
        @SuppressWarnings("unchecked")
        ClassTag<R> tag = (ClassTag<R>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();
        RDD<R> out = rdd.rdd().barrier().mapPartitions(new Bridge<>(f), false, tag);
        return new JavaRDD<>(out, tag);
    }

    private static final class Bridge<T, R> extends AbstractFunction1<scala.collection.Iterator<T>,
            scala.collection.Iterator<R>> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final FlatMapFunction<Iterator<T>, R> f;

        Bridge(FlatMapFunction<Iterator<T>, R> f) {
            this.f = f;
        }

        @Override
        public scala.collection.Iterator<R> apply(scala.collection.Iterator<T> in) {
            try {
                return JavaConverters.asScalaIteratorConverter(f.call(JavaConverters.asJavaIteratorConverter(in)
                        .asJava())).asScala();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
