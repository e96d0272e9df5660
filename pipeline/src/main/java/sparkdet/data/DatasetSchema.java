package sparkdet.data;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one schema of an ingested dataset, whatever the source format: one row per image with an
 * array of objects, and in a segmentation dataset its mask. Documented field by field in
 * docs/dataset.md. The mask columns came last and are nullable, so that files written before
 * them read with this schema as rows without a mask.
 */
public final class DatasetSchema {
    public static final StructType OBJECT = new StructType(new StructField[] {
        field("class_index", DataTypes.IntegerType, false),
        field("label", DataTypes.StringType, false),
        field("category_id", DataTypes.LongType, false),
        field("xmin", DataTypes.DoubleType, false),
        field("ymin", DataTypes.DoubleType, false),
        field("xmax", DataTypes.DoubleType, false),
        field("ymax", DataTypes.DoubleType, false),
        field("difficult", DataTypes.BooleanType, false),
        field("truncated", DataTypes.BooleanType, false),
        field("iscrowd", DataTypes.BooleanType, false),
        field("area", DataTypes.DoubleType, false),
        field("segmentation", DataTypes.StringType, true),
    });

    public static final StructType IMAGE = new StructType(new StructField[] {
        field("image_id", DataTypes.StringType, false),
        field("coco_image_id", DataTypes.LongType, false),
        field("uri", DataTypes.StringType, false),
        field("file_name", DataTypes.StringType, false),
        field("width", DataTypes.IntegerType, false),
        field("height", DataTypes.IntegerType, false),
        field("split", DataTypes.StringType, true),
        field("source", DataTypes.StringType, false),
        field("objects", new ArrayType(OBJECT, false), false),
        field("mask_uri", DataTypes.StringType, true),
        field("mask_pixels", new ArrayType(DataTypes.LongType, false), true),
    });

    private DatasetSchema() {
    }

    private static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
        return new StructField(name, type, nullable, Metadata.empty());
    }

    public static ImageRecord fromRow(Row row) {
        List<Row> objectRows = row.getList(row.fieldIndex("objects"));
        List<BoxObject> objects = new ArrayList<>(objectRows.size());
        for (Row o : objectRows) {
            objects.add(new BoxObject(o.getInt(0), o.getString(1), o.getLong(2), o.getDouble(3),
                    o.getDouble(4), o.getDouble(5), o.getDouble(6), o.getBoolean(7),
                    o.getBoolean(8), o.getBoolean(9), o.getDouble(10), o.getString(11)));
        }
        return new ImageRecord(row.getString(row.fieldIndex("image_id")),
                row.getLong(row.fieldIndex("coco_image_id")), row.getString(row.fieldIndex("uri")),
                row.getString(row.fieldIndex("file_name")), row.getInt(row.fieldIndex("width")),
                row.getInt(row.fieldIndex("height")), row.getString(row.fieldIndex("split")),
                row.getString(row.fieldIndex("source")), objects, maskUri(row), maskPixels(row));
    }

    /** the mask's URI, or null: a detection row, or a row selected without the mask columns */
    private static String maskUri(Row row) {
        int i = optionalField(row, "mask_uri");
        return i < 0 || row.isNullAt(i) ? null : row.getString(i);
    }

    private static long[] maskPixels(Row row) {
        int i = optionalField(row, "mask_pixels");
        if (i < 0 || row.isNullAt(i)) {
            return null;
        }
        List<Long> counts = row.getList(i);
        long[] out = new long[counts.size()];
        for (int v = 0; v < out.length; v++) {
            out[v] = counts.get(v);
        }
        return out;
    }

    /** the field's index, or -1 where the row has no such field */
    private static int optionalField(Row row, String name) {
        if (row.schema() == null) {
            return -1;
        }
        scala.Option<Object> index = row.schema().getFieldIndex(name);
        return index.isDefined() ? (Integer) index.get() : -1;
    }
}
