"""The indicator template: an Excel workbook of one plan's indicators for one country and
period, filled offline and imported back with a preview (round trip of tracking/xlsx)."""
