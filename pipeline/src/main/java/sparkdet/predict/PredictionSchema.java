package sparkdet.predict;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * predict's Parquet rows ({@code detections/}): one per image, its boxes in original pixels, and
 * an error instead when the image could not be read or decoded (width and height null then).
 */
final class PredictionSchema {
    static final StructType DETECTION = new StructType(new StructField[] {
        DataTypes.createStructField("class_index", DataTypes.IntegerType, false),
        DataTypes.createStructField("label", DataTypes.StringType, false),
        DataTypes.createStructField("score", DataTypes.FloatType, false),
        DataTypes.createStructField("xmin", DataTypes.FloatType, false),
        DataTypes.createStructField("ymin", DataTypes.FloatType, false),
        DataTypes.createStructField("xmax", DataTypes.FloatType, false),
        DataTypes.createStructField("ymax", DataTypes.FloatType, false),
    });

    static final StructType IMAGE = new StructType(new StructField[] {
        DataTypes.createStructField("image_id", DataTypes.StringType, false),
        DataTypes.createStructField("coco_image_id", DataTypes.LongType, false),
        DataTypes.createStructField("uri", DataTypes.StringType, false),
        DataTypes.createStructField("file_name", DataTypes.StringType, false),
        DataTypes.createStructField("width", DataTypes.IntegerType, true),
        DataTypes.createStructField("height", DataTypes.IntegerType, true),
        DataTypes.createStructField("detections", DataTypes.createArrayType(DETECTION, false), false),
        DataTypes.createStructField("error", DataTypes.StringType, true),
    });

    /**
     * a segmentation model's rows ({@code segments/}): per image, its mask's path in the output
     * folder and its pixels per class index; an error instead when the image could not be used
     */
    static final StructType SEGMENT = new StructType(new StructField[] {
        DataTypes.createStructField("image_id", DataTypes.StringType, false),
        DataTypes.createStructField("coco_image_id", DataTypes.LongType, false),
        DataTypes.createStructField("uri", DataTypes.StringType, false),
        DataTypes.createStructField("file_name", DataTypes.StringType, false),
        DataTypes.createStructField("width", DataTypes.IntegerType, true),
        DataTypes.createStructField("height", DataTypes.IntegerType, true),
        DataTypes.createStructField("mask", DataTypes.StringType, true),
        DataTypes.createStructField("pixels", DataTypes.createArrayType(DataTypes.LongType, false), true),
        DataTypes.createStructField("error", DataTypes.StringType, true),
    });

    private PredictionSchema() {
    }
}
