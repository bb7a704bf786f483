// The matching lives with the runs it reads, so that `compare` joins predictions the way `calibrate` fits them.
export { matchRecords, measuredRecords, RECORDS_FILE, SAME_LENGTH, type MeasuredRecord } from "../analysis/runs/scheduleMatching";
