"""The connector library: one package per ATS, typed DTOs in and out, no ORM and no imports of other apps."""
