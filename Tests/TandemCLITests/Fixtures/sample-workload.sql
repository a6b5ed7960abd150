-- A realistic workload on sample-schema.sql: inserts, updates and deletes, in several transactions,
-- with the values that broke first-value typing (Northwind's UnitPrice 14 then 9.8, NULLs first).
BEGIN;
INSERT INTO [Genre] VALUES (1, 'Rock'), (2, 'Jazz'), (3, NULL);
INSERT INTO [Track] VALUES (1, 'For Those About To Rock (We Salute You)', 1, 1, 1, 'Angus Young, Malcolm Young, Brian Johnson', 343719, 11170334, 0.99);
INSERT INTO [Track] VALUES (2, 'Balls to the Wall', NULL, 2, NULL, NULL, 342562, NULL, 0.99);
INSERT INTO [Track] VALUES (3, 'Fast As a Shark', 3, 2, 1, 'F. Baltes, S. Kaufman', 230619, 3990994, 1.99);
COMMIT;
BEGIN;
INSERT INTO [Invoice] VALUES (1, 2, '2009-01-01 00:00:00', 'Theodor-Heuss-Straße 34', 'Stuttgart', NULL, 'Germany', '70174', 1.98);
INSERT INTO [Invoice] VALUES (2, 4, '2009-01-02 00:00:00', 'Ullevålsveien 14', 'Oslo', NULL, 'Norway', '0171', 3.96);
INSERT INTO [Invoice] VALUES (3, 8, '2009-01-03 00:00:00', 'Grétrystraat 63', 'Brussels', NULL, 'Belgium', '1000', 5.94);
COMMIT;
BEGIN;
INSERT INTO [Order Details] VALUES (10248, 11, 14, 12, 0);
INSERT INTO [Order Details] VALUES (10248, 42, 9.8, 10, 0);
INSERT INTO [Order Details] VALUES (10248, 72, 34.8, 5, 0.15);
INSERT INTO [Order Details] VALUES (10249, 14, 18.6, 9, 0.05);
COMMIT;
INSERT INTO [Employees] (LastName, FirstName, Title, BirthDate, HireDate, Photo, Notes, ReportsTo)
    VALUES ('Davolio', 'Nancy', 'Sales Representative', '1948-12-08', '1992-05-01', x'FFD8FFE000104A464946', 'Education includes a BA.', 2);
INSERT INTO [Employees] (LastName, FirstName, Title, BirthDate, HireDate, Photo, Notes, ReportsTo)
    VALUES ('Fuller', 'Andrew', 'Vice President, Sales', '1952-02-19', '1992-08-14', NULL, NULL, NULL);
INSERT INTO legacy_notes VALUES (1, NULL, NULL, NULL);
INSERT INTO legacy_notes VALUES (2, 'plain text', 22, 22.5);
INSERT INTO legacy_notes VALUES (3, 42, 7.25, 22);
INSERT INTO legacy_notes VALUES (4, 2.5, NULL, NULL);
INSERT INTO legacy_notes VALUES (5, x'00FF', NULL, 0.5);
UPDATE [Track] SET UnitPrice = 1.49, Composer = 'Udo Dirkschneider' WHERE TrackId = 2;
UPDATE [Invoice] SET Total = 13.86, BillingState = 'BW' WHERE InvoiceId = 1;
UPDATE [Order Details] SET UnitPrice = 15, Quantity = 14 WHERE OrderID = 10248 AND ProductID = 11;
UPDATE legacy_notes SET note = 'now text' WHERE id = 3;
DELETE FROM [Track] WHERE TrackId = 3;
DELETE FROM [Order Details] WHERE OrderID = 10249;
INSERT INTO [Invoice] VALUES (4, 14, '2009-01-06 00:00:00', '8210 111 ST NW', 'Edmonton', 'AB', 'Canada', 'T6G 2C7', 8.91);
