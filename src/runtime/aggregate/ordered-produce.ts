// Aggregations emit several changes per input record (a retraction and an addition, the
// windows of a hopping window, merged sessions) that land on different partitions. A log
// appends one produce call partition by partition, so readers following all partitions of
// the sink in append order would see them regrouped. Producing each run of consecutive
// same-partition records separately keeps the append order equal to the emit order.

import type { ProduceRecord } from '../../log/topic-log.js';

export async function produceInEmitOrder(
  produce: (topic: string, records: ProduceRecord[]) => Promise<void>,
  topic: string,
  records: ProduceRecord[],
): Promise<void> {
  let start = 0;
  while (start < records.length) {
    const partition = records[start]!.partition;
    let end = start + 1;
    while (end < records.length && records[end]!.partition === partition) end++;
    await produce(topic, start === 0 && end === records.length ? records : records.slice(start, end));
    start = end;
  }
}
