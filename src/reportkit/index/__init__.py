"""The record index: chronology order, gaps, and the files written from it."""
