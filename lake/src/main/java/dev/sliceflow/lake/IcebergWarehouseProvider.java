package dev.sliceflow.lake;

import dev.sliceflow.lake.catalog.LakeUrl;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import dev.sliceflow.warehouse.WarehouseProvider;

/** {@code iceberg:...} URLs (see {@link LakeUrl}): registered by the lake module, so only its jar can load a lake. */
public final class IcebergWarehouseProvider implements WarehouseProvider {
    @Override
    public boolean accepts(String url) {
        return LakeUrl.isLake(url);
    }

    @Override
    public Warehouse open(WarehouseConfig config) {
        return IcebergWarehouse.open(config.url(), config.region());
    }
}
