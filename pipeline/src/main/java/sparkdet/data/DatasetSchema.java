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
 * array of objects. Documented field by field in docs/dataset.md.
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
                row.getString(row.fieldIndex("source")), objects);
    }
}
