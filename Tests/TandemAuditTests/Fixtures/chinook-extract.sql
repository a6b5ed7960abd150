PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE [Employee]
(
    [EmployeeId] INTEGER  NOT NULL,
    [LastName] NVARCHAR(20)  NOT NULL,
    [FirstName] NVARCHAR(20)  NOT NULL,
    [Title] NVARCHAR(30),
    [ReportsTo] INTEGER,
    [BirthDate] DATETIME,
    [HireDate] DATETIME,
    [Address] NVARCHAR(70),
    [City] NVARCHAR(40),
    [State] NVARCHAR(40),
    [Country] NVARCHAR(40),
    [PostalCode] NVARCHAR(10),
    [Phone] NVARCHAR(24),
    [Fax] NVARCHAR(24),
    [Email] NVARCHAR(60),
    CONSTRAINT [PK_Employee] PRIMARY KEY  ([EmployeeId]),
    FOREIGN KEY ([ReportsTo]) REFERENCES [Employee] ([EmployeeId]) 
		ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO Employee VALUES(1,'Adams','Andrew','General Manager',NULL,'1962-02-18 00:00:00','2002-08-14 00:00:00','11120 Jasper Ave NW','Edmonton','AB','Canada','T5K 2N1','+1 (780) 428-9482','+1 (780) 428-3457','andrew@chinookcorp.com');
INSERT INTO Employee VALUES(2,'Edwards','Nancy','Sales Manager',1,'1958-12-08 00:00:00','2002-05-01 00:00:00','825 8 Ave SW','Calgary','AB','Canada','T2P 2T3','+1 (403) 262-3443','+1 (403) 262-3322','nancy@chinookcorp.com');
INSERT INTO Employee VALUES(3,'Peacock','Jane','Sales Support Agent',2,'1973-08-29 00:00:00','2002-04-01 00:00:00','1111 6 Ave SW','Calgary','AB','Canada','T2P 5M5','+1 (403) 262-3443','+1 (403) 262-6712','jane@chinookcorp.com');
INSERT INTO Employee VALUES(4,'Park','Margaret','Sales Support Agent',2,'1947-09-19 00:00:00','2003-05-03 00:00:00','683 10 Street SW','Calgary','AB','Canada','T2P 5G3','+1 (403) 263-4423','+1 (403) 263-4289','margaret@chinookcorp.com');
INSERT INTO Employee VALUES(5,'Johnson','Steve','Sales Support Agent',2,'1965-03-03 00:00:00','2003-10-17 00:00:00','7727B 41 Ave','Calgary','AB','Canada','T3B 1Y7','1 (780) 836-9987','1 (780) 836-9543','steve@chinookcorp.com');
INSERT INTO Employee VALUES(6,'Mitchell','Michael','IT Manager',1,'1973-07-01 00:00:00','2003-10-17 00:00:00','5827 Bowness Road NW','Calgary','AB','Canada','T3B 0C5','+1 (403) 246-9887','+1 (403) 246-9899','michael@chinookcorp.com');
INSERT INTO Employee VALUES(7,'King','Robert','IT Staff',6,'1970-05-29 00:00:00','2004-01-02 00:00:00','590 Columbia Boulevard West','Lethbridge','AB','Canada','T1K 5N8','+1 (403) 456-9986','+1 (403) 456-8485','robert@chinookcorp.com');
INSERT INTO Employee VALUES(8,'Callahan','Laura','IT Staff',6,'1968-01-09 00:00:00','2004-03-04 00:00:00','923 7 ST NW','Lethbridge','AB','Canada','T1H 1Y8','+1 (403) 467-3351','+1 (403) 467-8772','laura@chinookcorp.com');
CREATE TABLE [Customer]
(
    [CustomerId] INTEGER  NOT NULL,
    [FirstName] NVARCHAR(40)  NOT NULL,
    [LastName] NVARCHAR(20)  NOT NULL,
    [Company] NVARCHAR(80),
    [Address] NVARCHAR(70),
    [City] NVARCHAR(40),
    [State] NVARCHAR(40),
    [Country] NVARCHAR(40),
    [PostalCode] NVARCHAR(10),
    [Phone] NVARCHAR(24),
    [Fax] NVARCHAR(24),
    [Email] NVARCHAR(60)  NOT NULL,
    [SupportRepId] INTEGER,
    CONSTRAINT [PK_Customer] PRIMARY KEY  ([CustomerId]),
    FOREIGN KEY ([SupportRepId]) REFERENCES [Employee] ([EmployeeId]) 
		ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO Customer VALUES(1,'Luís','Gonçalves','Embraer - Empresa Brasileira de Aeronáutica S.A.','Av. Brigadeiro Faria Lima, 2170','São José dos Campos','SP','Brazil','12227-000','+55 (12) 3923-5555','+55 (12) 3923-5566','luisg@embraer.com.br',3);
INSERT INTO Customer VALUES(2,'Leonie','Köhler',NULL,'Theodor-Heuss-Straße 34','Stuttgart',NULL,'Germany','70174','+49 0711 2842222',NULL,'leonekohler@surfeu.de',5);
INSERT INTO Customer VALUES(3,'François','Tremblay',NULL,'1498 rue Bélanger','Montréal','QC','Canada','H2G 1A7','+1 (514) 721-4711',NULL,'ftremblay@gmail.com',3);
INSERT INTO Customer VALUES(4,'Bjørn','Hansen',NULL,'Ullevålsveien 14','Oslo',NULL,'Norway','0171','+47 22 44 22 22',NULL,'bjorn.hansen@yahoo.no',4);
INSERT INTO Customer VALUES(5,'František','Wichterlová','JetBrains s.r.o.','Klanova 9/506','Prague',NULL,'Czech Republic','14700','+420 2 4172 5555','+420 2 4172 5555','frantisekw@jetbrains.com',4);
INSERT INTO Customer VALUES(6,'Helena','Holý',NULL,'Rilská 3174/6','Prague',NULL,'Czech Republic','14300','+420 2 4177 0449',NULL,'hholy@gmail.com',5);
INSERT INTO Customer VALUES(7,'Astrid','Gruber',NULL,'Rotenturmstraße 4, 1010 Innere Stadt','Vienne',NULL,'Austria','1010','+43 01 5134505',NULL,'astrid.gruber@apple.at',5);
INSERT INTO Customer VALUES(8,'Daan','Peeters',NULL,'Grétrystraat 63','Brussels',NULL,'Belgium','1000','+32 02 219 03 03',NULL,'daan_peeters@apple.be',4);
INSERT INTO Customer VALUES(9,'Kara','Nielsen',NULL,'Sønder Boulevard 51','Copenhagen',NULL,'Denmark','1720','+453 3331 9991',NULL,'kara.nielsen@jubii.dk',4);
INSERT INTO Customer VALUES(10,'Eduardo','Martins','Woodstock Discos','Rua Dr. Falcão Filho, 155','São Paulo','SP','Brazil','01007-010','+55 (11) 3033-5446','+55 (11) 3033-4564','eduardo@woodstock.com.br',4);
INSERT INTO Customer VALUES(11,'Alexandre','Rocha','Banco do Brasil S.A.','Av. Paulista, 2022','São Paulo','SP','Brazil','01310-200','+55 (11) 3055-3278','+55 (11) 3055-8131','alero@uol.com.br',5);
INSERT INTO Customer VALUES(12,'Roberto','Almeida','Riotur','Praça Pio X, 119','Rio de Janeiro','RJ','Brazil','20040-020','+55 (21) 2271-7000','+55 (21) 2271-7070','roberto.almeida@riotur.gov.br',3);
INSERT INTO Customer VALUES(13,'Fernanda','Ramos',NULL,'Qe 7 Bloco G','Brasília','DF','Brazil','71020-677','+55 (61) 3363-5547','+55 (61) 3363-7855','fernadaramos4@uol.com.br',4);
INSERT INTO Customer VALUES(14,'Mark','Philips','Telus','8210 111 ST NW','Edmonton','AB','Canada','T6G 2C7','+1 (780) 434-4554','+1 (780) 434-5565','mphilips12@shaw.ca',5);
INSERT INTO Customer VALUES(15,'Jennifer','Peterson','Rogers Canada','700 W Pender Street','Vancouver','BC','Canada','V6C 1G8','+1 (604) 688-2255','+1 (604) 688-8756','jenniferp@rogers.ca',3);
INSERT INTO Customer VALUES(16,'Frank','Harris','Google Inc.','1600 Amphitheatre Parkway','Mountain View','CA','USA','94043-1351','+1 (650) 253-0000','+1 (650) 253-0000','fharris@google.com',4);
INSERT INTO Customer VALUES(17,'Jack','Smith','Microsoft Corporation','1 Microsoft Way','Redmond','WA','USA','98052-8300','+1 (425) 882-8080','+1 (425) 882-8081','jacksmith@microsoft.com',5);
INSERT INTO Customer VALUES(18,'Michelle','Brooks',NULL,'627 Broadway','New York','NY','USA','10012-2612','+1 (212) 221-3546','+1 (212) 221-4679','michelleb@aol.com',3);
INSERT INTO Customer VALUES(19,'Tim','Goyer','Apple Inc.','1 Infinite Loop','Cupertino','CA','USA','95014','+1 (408) 996-1010','+1 (408) 996-1011','tgoyer@apple.com',3);
INSERT INTO Customer VALUES(20,'Dan','Miller',NULL,'541 Del Medio Avenue','Mountain View','CA','USA','94040-111','+1 (650) 644-3358',NULL,'dmiller@comcast.com',4);
INSERT INTO Customer VALUES(21,'Kathy','Chase',NULL,'801 W 4th Street','Reno','NV','USA','89503','+1 (775) 223-7665',NULL,'kachase@hotmail.com',5);
INSERT INTO Customer VALUES(22,'Heather','Leacock',NULL,'120 S Orange Ave','Orlando','FL','USA','32801','+1 (407) 999-7788',NULL,'hleacock@gmail.com',4);
INSERT INTO Customer VALUES(23,'John','Gordon',NULL,'69 Salem Street','Boston','MA','USA','2113','+1 (617) 522-1333',NULL,'johngordon22@yahoo.com',4);
INSERT INTO Customer VALUES(24,'Frank','Ralston',NULL,'162 E Superior Street','Chicago','IL','USA','60611','+1 (312) 332-3232',NULL,'fralston@gmail.com',3);
INSERT INTO Customer VALUES(25,'Victor','Stevens',NULL,'319 N. Frances Street','Madison','WI','USA','53703','+1 (608) 257-0597',NULL,'vstevens@yahoo.com',5);
INSERT INTO Customer VALUES(26,'Richard','Cunningham',NULL,'2211 W Berry Street','Fort Worth','TX','USA','76110','+1 (817) 924-7272',NULL,'ricunningham@hotmail.com',4);
INSERT INTO Customer VALUES(27,'Patrick','Gray',NULL,'1033 N Park Ave','Tucson','AZ','USA','85719','+1 (520) 622-4200',NULL,'patrick.gray@aol.com',4);
INSERT INTO Customer VALUES(28,'Julia','Barnett',NULL,'302 S 700 E','Salt Lake City','UT','USA','84102','+1 (801) 531-7272',NULL,'jubarnett@gmail.com',5);
INSERT INTO Customer VALUES(29,'Robert','Brown',NULL,'796 Dundas Street West','Toronto','ON','Canada','M6J 1V1','+1 (416) 363-8888',NULL,'robbrown@shaw.ca',3);
INSERT INTO Customer VALUES(30,'Edward','Francis',NULL,'230 Elgin Street','Ottawa','ON','Canada','K2P 1L7','+1 (613) 234-3322',NULL,'edfrancis@yachoo.ca',3);
INSERT INTO Customer VALUES(31,'Martha','Silk',NULL,'194A Chain Lake Drive','Halifax','NS','Canada','B3S 1C5','+1 (902) 450-0450',NULL,'marthasilk@gmail.com',5);
INSERT INTO Customer VALUES(32,'Aaron','Mitchell',NULL,'696 Osborne Street','Winnipeg','MB','Canada','R3L 2B9','+1 (204) 452-6452',NULL,'aaronmitchell@yahoo.ca',4);
INSERT INTO Customer VALUES(33,'Ellie','Sullivan',NULL,'5112 48 Street','Yellowknife','NT','Canada','X1A 1N6','+1 (867) 920-2233',NULL,'ellie.sullivan@shaw.ca',3);
INSERT INTO Customer VALUES(34,'João','Fernandes',NULL,'Rua da Assunção 53','Lisbon',NULL,'Portugal',NULL,'+351 (213) 466-111',NULL,'jfernandes@yahoo.pt',4);
INSERT INTO Customer VALUES(35,'Madalena','Sampaio',NULL,'Rua dos Campeões Europeus de Viena, 4350','Porto',NULL,'Portugal',NULL,'+351 (225) 022-448',NULL,'masampaio@sapo.pt',4);
INSERT INTO Customer VALUES(36,'Hannah','Schneider',NULL,'Tauentzienstraße 8','Berlin',NULL,'Germany','10789','+49 030 26550280',NULL,'hannah.schneider@yahoo.de',5);
INSERT INTO Customer VALUES(37,'Fynn','Zimmermann',NULL,'Berger Straße 10','Frankfurt',NULL,'Germany','60316','+49 069 40598889',NULL,'fzimmermann@yahoo.de',3);
INSERT INTO Customer VALUES(38,'Niklas','Schröder',NULL,'Barbarossastraße 19','Berlin',NULL,'Germany','10779','+49 030 2141444',NULL,'nschroder@surfeu.de',3);
INSERT INTO Customer VALUES(39,'Camille','Bernard',NULL,'4, Rue Milton','Paris',NULL,'France','75009','+33 01 49 70 65 65',NULL,'camille.bernard@yahoo.fr',4);
INSERT INTO Customer VALUES(40,'Dominique','Lefebvre',NULL,'8, Rue Hanovre','Paris',NULL,'France','75002','+33 01 47 42 71 71',NULL,'dominiquelefebvre@gmail.com',4);
INSERT INTO Customer VALUES(41,'Marc','Dubois',NULL,'11, Place Bellecour','Lyon',NULL,'France','69002','+33 04 78 30 30 30',NULL,'marc.dubois@hotmail.com',5);
INSERT INTO Customer VALUES(42,'Wyatt','Girard',NULL,'9, Place Louis Barthou','Bordeaux',NULL,'France','33000','+33 05 56 96 96 96',NULL,'wyatt.girard@yahoo.fr',3);
INSERT INTO Customer VALUES(43,'Isabelle','Mercier',NULL,'68, Rue Jouvence','Dijon',NULL,'France','21000','+33 03 80 73 66 99',NULL,'isabelle_mercier@apple.fr',3);
INSERT INTO Customer VALUES(44,'Terhi','Hämäläinen',NULL,'Porthaninkatu 9','Helsinki',NULL,'Finland','00530','+358 09 870 2000',NULL,'terhi.hamalainen@apple.fi',3);
INSERT INTO Customer VALUES(45,'Ladislav','Kovács',NULL,'Erzsébet krt. 58.','Budapest',NULL,'Hungary','H-1073',NULL,NULL,'ladislav_kovacs@apple.hu',3);
INSERT INTO Customer VALUES(46,'Hugh','O''Reilly',NULL,'3 Chatham Street','Dublin','Dublin','Ireland',NULL,'+353 01 6792424',NULL,'hughoreilly@apple.ie',3);
INSERT INTO Customer VALUES(47,'Lucas','Mancini',NULL,'Via Degli Scipioni, 43','Rome','RM','Italy','00192','+39 06 39733434',NULL,'lucas.mancini@yahoo.it',5);
INSERT INTO Customer VALUES(48,'Johannes','Van der Berg',NULL,'Lijnbaansgracht 120bg','Amsterdam','VV','Netherlands','1016','+31 020 6223130',NULL,'johavanderberg@yahoo.nl',5);
INSERT INTO Customer VALUES(49,'Stanisław','Wójcik',NULL,'Ordynacka 10','Warsaw',NULL,'Poland','00-358','+48 22 828 37 39',NULL,'stanisław.wójcik@wp.pl',4);
INSERT INTO Customer VALUES(50,'Enrique','Muñoz',NULL,'C/ San Bernardo 85','Madrid',NULL,'Spain','28015','+34 914 454 454',NULL,'enrique_munoz@yahoo.es',5);
INSERT INTO Customer VALUES(51,'Joakim','Johansson',NULL,'Celsiusg. 9','Stockholm',NULL,'Sweden','11230','+46 08-651 52 52',NULL,'joakim.johansson@yahoo.se',5);
INSERT INTO Customer VALUES(52,'Emma','Jones',NULL,'202 Hoxton Street','London',NULL,'United Kingdom','N1 5LH','+44 020 7707 0707',NULL,'emma_jones@hotmail.com',3);
INSERT INTO Customer VALUES(53,'Phil','Hughes',NULL,'113 Lupus St','London',NULL,'United Kingdom','SW1V 3EN','+44 020 7976 5722',NULL,'phil.hughes@gmail.com',3);
INSERT INTO Customer VALUES(54,'Steve','Murray',NULL,'110 Raeburn Pl','Edinburgh ',NULL,'United Kingdom','EH4 1HH','+44 0131 315 3300',NULL,'steve.murray@yahoo.uk',5);
INSERT INTO Customer VALUES(55,'Mark','Taylor',NULL,'421 Bourke Street','Sidney','NSW','Australia','2010','+61 (02) 9332 3633',NULL,'mark.taylor@yahoo.au',4);
INSERT INTO Customer VALUES(56,'Diego','Gutiérrez',NULL,'307 Macacha Güemes','Buenos Aires',NULL,'Argentina','1106','+54 (0)11 4311 4333',NULL,'diego.gutierrez@yahoo.ar',4);
INSERT INTO Customer VALUES(57,'Luis','Rojas',NULL,'Calle Lira, 198','Santiago',NULL,'Chile',NULL,'+56 (0)2 635 4444',NULL,'luisrojas@yahoo.cl',5);
INSERT INTO Customer VALUES(58,'Manoj','Pareek',NULL,'12,Community Centre','Delhi',NULL,'India','110017','+91 0124 39883988',NULL,'manoj.pareek@rediff.com',3);
INSERT INTO Customer VALUES(59,'Puja','Srivastava',NULL,'3,Raj Bhavan Road','Bangalore',NULL,'India','560001','+91 080 22289999',NULL,'puja_srivastava@yahoo.in',3);
CREATE TABLE [Invoice]
(
    [InvoiceId] INTEGER  NOT NULL,
    [CustomerId] INTEGER  NOT NULL,
    [InvoiceDate] DATETIME  NOT NULL,
    [BillingAddress] NVARCHAR(70),
    [BillingCity] NVARCHAR(40),
    [BillingState] NVARCHAR(40),
    [BillingCountry] NVARCHAR(40),
    [BillingPostalCode] NVARCHAR(10),
    [Total] NUMERIC(10,2)  NOT NULL,
    CONSTRAINT [PK_Invoice] PRIMARY KEY  ([InvoiceId]),
    FOREIGN KEY ([CustomerId]) REFERENCES [Customer] ([CustomerId]) 
		ON DELETE NO ACTION ON UPDATE NO ACTION
);
INSERT INTO Invoice VALUES(1,2,'2021-01-01 00:00:00','Theodor-Heuss-Straße 34','Stuttgart',NULL,'Germany','70174',1.9799999999999999822);
INSERT INTO Invoice VALUES(2,4,'2021-01-02 00:00:00','Ullevålsveien 14','Oslo',NULL,'Norway','0171',3.9599999999999999644);
INSERT INTO Invoice VALUES(3,8,'2021-01-03 00:00:00','Grétrystraat 63','Brussels',NULL,'Belgium','1000',5.9400000000000003907);
INSERT INTO Invoice VALUES(4,14,'2021-01-06 00:00:00','8210 111 ST NW','Edmonton','AB','Canada','T6G 2C7',8.9100000000000001421);
INSERT INTO Invoice VALUES(5,23,'2021-01-11 00:00:00','69 Salem Street','Boston','MA','USA','2113',13.859999999999999431);
INSERT INTO Invoice VALUES(6,37,'2021-01-19 00:00:00','Berger Straße 10','Frankfurt',NULL,'Germany','60316',0.98999999999999999111);
INSERT INTO Invoice VALUES(7,38,'2021-02-01 00:00:00','Barbarossastraße 19','Berlin',NULL,'Germany','10779',1.9799999999999999822);
INSERT INTO Invoice VALUES(8,40,'2021-02-01 00:00:00','8, Rue Hanovre','Paris',NULL,'France','75002',1.9799999999999999822);
INSERT INTO Invoice VALUES(9,42,'2021-02-02 00:00:00','9, Place Louis Barthou','Bordeaux',NULL,'France','33000',3.9599999999999999644);
INSERT INTO Invoice VALUES(10,46,'2021-02-03 00:00:00','3 Chatham Street','Dublin','Dublin','Ireland',NULL,5.9400000000000003907);
INSERT INTO Invoice VALUES(11,52,'2021-02-06 00:00:00','202 Hoxton Street','London',NULL,'United Kingdom','N1 5LH',8.9100000000000001421);
INSERT INTO Invoice VALUES(12,2,'2021-02-11 00:00:00','Theodor-Heuss-Straße 34','Stuttgart',NULL,'Germany','70174',13.859999999999999431);
INSERT INTO Invoice VALUES(13,16,'2021-02-19 00:00:00','1600 Amphitheatre Parkway','Mountain View','CA','USA','94043-1351',0.98999999999999999111);
INSERT INTO Invoice VALUES(14,17,'2021-03-04 00:00:00','1 Microsoft Way','Redmond','WA','USA','98052-8300',1.9799999999999999822);
INSERT INTO Invoice VALUES(15,19,'2021-03-04 00:00:00','1 Infinite Loop','Cupertino','CA','USA','95014',1.9799999999999999822);
INSERT INTO Invoice VALUES(16,21,'2021-03-05 00:00:00','801 W 4th Street','Reno','NV','USA','89503',3.9599999999999999644);
INSERT INTO Invoice VALUES(17,25,'2021-03-06 00:00:00','319 N. Frances Street','Madison','WI','USA','53703',5.9400000000000003907);
INSERT INTO Invoice VALUES(18,31,'2021-03-09 00:00:00','194A Chain Lake Drive','Halifax','NS','Canada','B3S 1C5',8.9100000000000001421);
INSERT INTO Invoice VALUES(19,40,'2021-03-14 00:00:00','8, Rue Hanovre','Paris',NULL,'France','75002',13.859999999999999431);
INSERT INTO Invoice VALUES(20,54,'2021-03-22 00:00:00','110 Raeburn Pl','Edinburgh ',NULL,'United Kingdom','EH4 1HH',0.98999999999999999111);
INSERT INTO Invoice VALUES(21,55,'2021-04-04 00:00:00','421 Bourke Street','Sidney','NSW','Australia','2010',1.9799999999999999822);
INSERT INTO Invoice VALUES(22,57,'2021-04-04 00:00:00','Calle Lira, 198','Santiago',NULL,'Chile',NULL,1.9799999999999999822);
INSERT INTO Invoice VALUES(23,59,'2021-04-05 00:00:00','3,Raj Bhavan Road','Bangalore',NULL,'India','560001',3.9599999999999999644);
INSERT INTO Invoice VALUES(24,4,'2021-04-06 00:00:00','Ullevålsveien 14','Oslo',NULL,'Norway','0171',5.9400000000000003907);
INSERT INTO Invoice VALUES(25,10,'2021-04-09 00:00:00','Rua Dr. Falcão Filho, 155','São Paulo','SP','Brazil','01007-010',8.9100000000000001421);
INSERT INTO Invoice VALUES(26,19,'2021-04-14 00:00:00','1 Infinite Loop','Cupertino','CA','USA','95014',13.859999999999999431);
INSERT INTO Invoice VALUES(27,33,'2021-04-22 00:00:00','5112 48 Street','Yellowknife','NT','Canada','X1A 1N6',0.98999999999999999111);
INSERT INTO Invoice VALUES(28,34,'2021-05-05 00:00:00','Rua da Assunção 53','Lisbon',NULL,'Portugal',NULL,1.9799999999999999822);
INSERT INTO Invoice VALUES(29,36,'2021-05-05 00:00:00','Tauentzienstraße 8','Berlin',NULL,'Germany','10789',1.9799999999999999822);
INSERT INTO Invoice VALUES(30,38,'2021-05-06 00:00:00','Barbarossastraße 19','Berlin',NULL,'Germany','10779',3.9599999999999999644);
INSERT INTO Invoice VALUES(31,42,'2021-05-07 00:00:00','9, Place Louis Barthou','Bordeaux',NULL,'France','33000',5.9400000000000003907);
INSERT INTO Invoice VALUES(32,48,'2021-05-10 00:00:00','Lijnbaansgracht 120bg','Amsterdam','VV','Netherlands','1016',8.9100000000000001421);
INSERT INTO Invoice VALUES(33,57,'2021-05-15 00:00:00','Calle Lira, 198','Santiago',NULL,'Chile',NULL,13.859999999999999431);
INSERT INTO Invoice VALUES(34,12,'2021-05-23 00:00:00','Praça Pio X, 119','Rio de Janeiro','RJ','Brazil','20040-020',0.98999999999999999111);
INSERT INTO Invoice VALUES(35,13,'2021-06-05 00:00:00','Qe 7 Bloco G','Brasília','DF','Brazil','71020-677',1.9799999999999999822);
INSERT INTO Invoice VALUES(36,15,'2021-06-05 00:00:00','700 W Pender Street','Vancouver','BC','Canada','V6C 1G8',1.9799999999999999822);
INSERT INTO Invoice VALUES(37,17,'2021-06-06 00:00:00','1 Microsoft Way','Redmond','WA','USA','98052-8300',3.9599999999999999644);
INSERT INTO Invoice VALUES(38,21,'2021-06-07 00:00:00','801 W 4th Street','Reno','NV','USA','89503',5.9400000000000003907);
INSERT INTO Invoice VALUES(39,27,'2021-06-10 00:00:00','1033 N Park Ave','Tucson','AZ','USA','85719',8.9100000000000001421);
INSERT INTO Invoice VALUES(40,36,'2021-06-15 00:00:00','Tauentzienstraße 8','Berlin',NULL,'Germany','10789',13.859999999999999431);
INSERT INTO Invoice VALUES(41,50,'2021-06-23 00:00:00','C/ San Bernardo 85','Madrid',NULL,'Spain','28015',0.98999999999999999111);
INSERT INTO Invoice VALUES(42,51,'2021-07-06 00:00:00','Celsiusg. 9','Stockholm',NULL,'Sweden','11230',1.9799999999999999822);
INSERT INTO Invoice VALUES(43,53,'2021-07-06 00:00:00','113 Lupus St','London',NULL,'United Kingdom','SW1V 3EN',1.9799999999999999822);
INSERT INTO Invoice VALUES(44,55,'2021-07-07 00:00:00','421 Bourke Street','Sidney','NSW','Australia','2010',3.9599999999999999644);
INSERT INTO Invoice VALUES(45,59,'2021-07-08 00:00:00','3,Raj Bhavan Road','Bangalore',NULL,'India','560001',5.9400000000000003907);
INSERT INTO Invoice VALUES(46,6,'2021-07-11 00:00:00','Rilská 3174/6','Prague',NULL,'Czech Republic','14300',8.9100000000000001421);
INSERT INTO Invoice VALUES(47,15,'2021-07-16 00:00:00','700 W Pender Street','Vancouver','BC','Canada','V6C 1G8',13.859999999999999431);
INSERT INTO Invoice VALUES(48,29,'2021-07-24 00:00:00','796 Dundas Street West','Toronto','ON','Canada','M6J 1V1',0.98999999999999999111);
INSERT INTO Invoice VALUES(49,30,'2021-08-06 00:00:00','230 Elgin Street','Ottawa','ON','Canada','K2P 1L7',1.9799999999999999822);
INSERT INTO Invoice VALUES(50,32,'2021-08-06 00:00:00','696 Osborne Street','Winnipeg','MB','Canada','R3L 2B9',1.9799999999999999822);
INSERT INTO Invoice VALUES(51,34,'2021-08-07 00:00:00','Rua da Assunção 53','Lisbon',NULL,'Portugal',NULL,3.9599999999999999644);
INSERT INTO Invoice VALUES(52,38,'2021-08-08 00:00:00','Barbarossastraße 19','Berlin',NULL,'Germany','10779',5.9400000000000003907);
INSERT INTO Invoice VALUES(53,44,'2021-08-11 00:00:00','Porthaninkatu 9','Helsinki',NULL,'Finland','00530',8.9100000000000001421);
INSERT INTO Invoice VALUES(54,53,'2021-08-16 00:00:00','113 Lupus St','London',NULL,'United Kingdom','SW1V 3EN',13.859999999999999431);
INSERT INTO Invoice VALUES(55,8,'2021-08-24 00:00:00','Grétrystraat 63','Brussels',NULL,'Belgium','1000',0.98999999999999999111);
INSERT INTO Invoice VALUES(56,9,'2021-09-06 00:00:00','Sønder Boulevard 51','Copenhagen',NULL,'Denmark','1720',1.9799999999999999822);
INSERT INTO Invoice VALUES(57,11,'2021-09-06 00:00:00','Av. Paulista, 2022','São Paulo','SP','Brazil','01310-200',1.9799999999999999822);
INSERT INTO Invoice VALUES(58,13,'2021-09-07 00:00:00','Qe 7 Bloco G','Brasília','DF','Brazil','71020-677',3.9599999999999999644);
INSERT INTO Invoice VALUES(59,17,'2021-09-08 00:00:00','1 Microsoft Way','Redmond','WA','USA','98052-8300',5.9400000000000003907);
INSERT INTO Invoice VALUES(60,23,'2021-09-11 00:00:00','69 Salem Street','Boston','MA','USA','2113',8.9100000000000001421);
INSERT INTO Invoice VALUES(61,32,'2021-09-16 00:00:00','696 Osborne Street','Winnipeg','MB','Canada','R3L 2B9',13.859999999999999431);
INSERT INTO Invoice VALUES(62,46,'2021-09-24 00:00:00','3 Chatham Street','Dublin','Dublin','Ireland',NULL,0.98999999999999999111);
INSERT INTO Invoice VALUES(63,47,'2021-10-07 00:00:00','Via Degli Scipioni, 43','Rome','RM','Italy','00192',1.9799999999999999822);
INSERT INTO Invoice VALUES(64,49,'2021-10-07 00:00:00','Ordynacka 10','Warsaw',NULL,'Poland','00-358',1.9799999999999999822);
INSERT INTO Invoice VALUES(65,51,'2021-10-08 00:00:00','Celsiusg. 9','Stockholm',NULL,'Sweden','11230',3.9599999999999999644);
INSERT INTO Invoice VALUES(66,55,'2021-10-09 00:00:00','421 Bourke Street','Sidney','NSW','Australia','2010',5.9400000000000003907);
INSERT INTO Invoice VALUES(67,2,'2021-10-12 00:00:00','Theodor-Heuss-Straße 34','Stuttgart',NULL,'Germany','70174',8.9100000000000001421);
INSERT INTO Invoice VALUES(68,11,'2021-10-17 00:00:00','Av. Paulista, 2022','São Paulo','SP','Brazil','01310-200',13.859999999999999431);
INSERT INTO Invoice VALUES(69,25,'2021-10-25 00:00:00','319 N. Frances Street','Madison','WI','USA','53703',0.98999999999999999111);
INSERT INTO Invoice VALUES(70,26,'2021-11-07 00:00:00','2211 W Berry Street','Fort Worth','TX','USA','76110',1.9799999999999999822);
INSERT INTO Invoice VALUES(71,28,'2021-11-07 00:00:00','302 S 700 E','Salt Lake City','UT','USA','84102',1.9799999999999999822);
INSERT INTO Invoice VALUES(72,30,'2021-11-08 00:00:00','230 Elgin Street','Ottawa','ON','Canada','K2P 1L7',3.9599999999999999644);
INSERT INTO Invoice VALUES(73,34,'2021-11-09 00:00:00','Rua da Assunção 53','Lisbon',NULL,'Portugal',NULL,5.9400000000000003907);
INSERT INTO Invoice VALUES(74,40,'2021-11-12 00:00:00','8, Rue Hanovre','Paris',NULL,'France','75002',8.9100000000000001421);
INSERT INTO Invoice VALUES(75,49,'2021-11-17 00:00:00','Ordynacka 10','Warsaw',NULL,'Poland','00-358',13.859999999999999431);
INSERT INTO Invoice VALUES(76,4,'2021-11-25 00:00:00','Ullevålsveien 14','Oslo',NULL,'Norway','0171',0.98999999999999999111);
INSERT INTO Invoice VALUES(77,5,'2021-12-08 00:00:00','Klanova 9/506','Prague',NULL,'Czech Republic','14700',1.9799999999999999822);
INSERT INTO Invoice VALUES(78,7,'2021-12-08 00:00:00','Rotenturmstraße 4, 1010 Innere Stadt','Vienne',NULL,'Austria','1010',1.9799999999999999822);
INSERT INTO Invoice VALUES(79,9,'2021-12-09 00:00:00','Sønder Boulevard 51','Copenhagen',NULL,'Denmark','1720',3.9599999999999999644);
INSERT INTO Invoice VALUES(80,13,'2021-12-10 00:00:00','Qe 7 Bloco G','Brasília','DF','Brazil','71020-677',5.9400000000000003907);
INSERT INTO Invoice VALUES(81,19,'2021-12-13 00:00:00','1 Infinite Loop','Cupertino','CA','USA','95014',8.9100000000000001421);
INSERT INTO Invoice VALUES(82,28,'2021-12-18 00:00:00','302 S 700 E','Salt Lake City','UT','USA','84102',13.859999999999999431);
INSERT INTO Invoice VALUES(83,42,'2021-12-26 00:00:00','9, Place Louis Barthou','Bordeaux',NULL,'France','33000',0.98999999999999999111);
INSERT INTO Invoice VALUES(84,43,'2022-01-08 00:00:00','68, Rue Jouvence','Dijon',NULL,'France','21000',1.9799999999999999822);
INSERT INTO Invoice VALUES(85,45,'2022-01-08 00:00:00','Erzsébet krt. 58.','Budapest',NULL,'Hungary','H-1073',1.9799999999999999822);
INSERT INTO Invoice VALUES(86,47,'2022-01-09 00:00:00','Via Degli Scipioni, 43','Rome','RM','Italy','00192',3.9599999999999999644);
INSERT INTO Invoice VALUES(87,51,'2022-01-10 00:00:00','Celsiusg. 9','Stockholm',NULL,'Sweden','11230',6.9400000000000003907);
INSERT INTO Invoice VALUES(88,57,'2022-01-13 00:00:00','Calle Lira, 198','Santiago',NULL,'Chile',NULL,17.910000000000000142);
INSERT INTO Invoice VALUES(89,7,'2022-01-18 00:00:00','Rotenturmstraße 4, 1010 Innere Stadt','Vienne',NULL,'Austria','1010',18.859999999999999431);
INSERT INTO Invoice VALUES(90,21,'2022-01-26 00:00:00','801 W 4th Street','Reno','NV','USA','89503',0.98999999999999999111);
INSERT INTO Invoice VALUES(91,22,'2022-02-08 00:00:00','120 S Orange Ave','Orlando','FL','USA','32801',1.9799999999999999822);
INSERT INTO Invoice VALUES(92,24,'2022-02-08 00:00:00','162 E Superior Street','Chicago','IL','USA','60611',1.9799999999999999822);
INSERT INTO Invoice VALUES(93,26,'2022-02-09 00:00:00','2211 W Berry Street','Fort Worth','TX','USA','76110',3.9599999999999999644);
INSERT INTO Invoice VALUES(94,30,'2022-02-10 00:00:00','230 Elgin Street','Ottawa','ON','Canada','K2P 1L7',5.9400000000000003907);
INSERT INTO Invoice VALUES(95,36,'2022-02-13 00:00:00','Tauentzienstraße 8','Berlin',NULL,'Germany','10789',8.9100000000000001421);
INSERT INTO Invoice VALUES(96,45,'2022-02-18 00:00:00','Erzsébet krt. 58.','Budapest',NULL,'Hungary','H-1073',21.859999999999999431);
INSERT INTO Invoice VALUES(97,59,'2022-02-26 00:00:00','3,Raj Bhavan Road','Bangalore',NULL,'India','560001',1.9899999999999999911);
INSERT INTO Invoice VALUES(98,1,'2022-03-11 00:00:00','Av. Brigadeiro Faria Lima, 2170','São José dos Campos','SP','Brazil','12227-000',3.9799999999999999822);
INSERT INTO Invoice VALUES(99,3,'2022-03-11 00:00:00','1498 rue Bélanger','Montréal','QC','Canada','H2G 1A7',3.9799999999999999822);
INSERT INTO Invoice VALUES(100,5,'2022-03-12 00:00:00','Klanova 9/506','Prague',NULL,'Czech Republic','14700',3.9599999999999999644);
INSERT INTO Invoice VALUES(101,9,'2022-03-13 00:00:00','Sønder Boulevard 51','Copenhagen',NULL,'Denmark','1720',5.9400000000000003907);
INSERT INTO Invoice VALUES(102,15,'2022-03-16 00:00:00','700 W Pender Street','Vancouver','BC','Canada','V6C 1G8',9.9100000000000001421);
INSERT INTO Invoice VALUES(103,24,'2022-03-21 00:00:00','162 E Superior Street','Chicago','IL','USA','60611',15.859999999999999431);
INSERT INTO Invoice VALUES(104,38,'2022-03-29 00:00:00','Barbarossastraße 19','Berlin',NULL,'Germany','10779',0.98999999999999999111);
INSERT INTO Invoice VALUES(105,39,'2022-04-11 00:00:00','4, Rue Milton','Paris',NULL,'France','75009',1.9799999999999999822);
INSERT INTO Invoice VALUES(106,41,'2022-04-11 00:00:00','11, Place Bellecour','Lyon',NULL,'France','69002',1.9799999999999999822);
INSERT INTO Invoice VALUES(107,43,'2022-04-12 00:00:00','68, Rue Jouvence','Dijon',NULL,'France','21000',3.9599999999999999644);
INSERT INTO Invoice VALUES(108,47,'2022-04-13 00:00:00','Via Degli Scipioni, 43','Rome','RM','Italy','00192',5.9400000000000003907);
INSERT INTO Invoice VALUES(109,53,'2022-04-16 00:00:00','113 Lupus St','London',NULL,'United Kingdom','SW1V 3EN',8.9100000000000001421);
INSERT INTO Invoice VALUES(110,3,'2022-04-21 00:00:00','1498 rue Bélanger','Montréal','QC','Canada','H2G 1A7',13.859999999999999431);
INSERT INTO Invoice VALUES(111,17,'2022-04-29 00:00:00','1 Microsoft Way','Redmond','WA','USA','98052-8300',0.98999999999999999111);
INSERT INTO Invoice VALUES(112,18,'2022-05-12 00:00:00','627 Broadway','New York','NY','USA','10012-2612',1.9799999999999999822);
INSERT INTO Invoice VALUES(113,20,'2022-05-12 00:00:00','541 Del Medio Avenue','Mountain View','CA','USA','94040-111',1.9799999999999999822);
INSERT INTO Invoice VALUES(114,22,'2022-05-13 00:00:00','120 S Orange Ave','Orlando','FL','USA','32801',3.9599999999999999644);
INSERT INTO Invoice VALUES(115,26,'2022-05-14 00:00:00','2211 W Berry Street','Fort Worth','TX','USA','76110',5.9400000000000003907);
INSERT INTO Invoice VALUES(116,32,'2022-05-17 00:00:00','696 Osborne Street','Winnipeg','MB','Canada','R3L 2B9',8.9100000000000001421);
INSERT INTO Invoice VALUES(117,41,'2022-05-22 00:00:00','11, Place Bellecour','Lyon',NULL,'France','69002',13.859999999999999431);
INSERT INTO Invoice VALUES(118,55,'2022-05-30 00:00:00','421 Bourke Street','Sidney','NSW','Australia','2010',0.98999999999999999111);
INSERT INTO Invoice VALUES(119,56,'2022-06-12 00:00:00','307 Macacha Güemes','Buenos Aires',NULL,'Argentina','1106',1.9799999999999999822);
INSERT INTO Invoice VALUES(120,58,'2022-06-12 00:00:00','12,Community Centre','Delhi',NULL,'India','110017',1.9799999999999999822);
INSERT INTO Invoice VALUES(121,1,'2022-06-13 00:00:00','Av. Brigadeiro Faria Lima, 2170','São José dos Campos','SP','Brazil','12227-000',3.9599999999999999644);
INSERT INTO Invoice VALUES(122,5,'2022-06-14 00:00:00','Klanova 9/506','Prague',NULL,'Czech Republic','14700',5.9400000000000003907);
INSERT INTO Invoice VALUES(123,11,'2022-06-17 00:00:00','Av. Paulista, 2022','São Paulo','SP','Brazil','01310-200',8.9100000000000001421);
INSERT INTO Invoice VALUES(124,20,'2022-06-22 00:00:00','541 Del Medio Avenue','Mountain View','CA','USA','94040-111',13.859999999999999431);
INSERT INTO Invoice VALUES(125,34,'2022-06-30 00:00:00','Rua da Assunção 53','Lisbon',NULL,'Portugal',NULL,0.98999999999999999111);
INSERT INTO Invoice VALUES(126,35,'2022-07-13 00:00:00','Rua dos Campeões Europeus de Viena, 4350','Porto',NULL,'Portugal',NULL,1.9799999999999999822);
INSERT INTO Invoice VALUES(127,37,'2022-07-13 00:00:00','Berger Straße 10','Frankfurt',NULL,'Germany','60316',1.9799999999999999822);
INSERT INTO Invoice VALUES(128,39,'2022-07-14 00:00:00','4, Rue Milton','Paris',NULL,'France','75009',3.9599999999999999644);
INSERT INTO Invoice VALUES(129,43,'2022-07-15 00:00:00','68, Rue Jouvence','Dijon',NULL,'France','21000',5.9400000000000003907);
INSERT INTO Invoice VALUES(130,49,'2022-07-18 00:00:00','Ordynacka 10','Warsaw',NULL,'Poland','00-358',8.9100000000000001421);
INSERT INTO Invoice VALUES(131,58,'2022-07-23 00:00:00','12,Community Centre','Delhi',NULL,'India','110017',13.859999999999999431);
INSERT INTO Invoice VALUES(132,13,'2022-07-31 00:00:00','Qe 7 Bloco G','Brasília','DF','Brazil','71020-677',0.98999999999999999111);
INSERT INTO Invoice VALUES(133,14,'2022-08-13 00:00:00','8210 111 ST NW','Edmonton','AB','Canada','T6G 2C7',1.9799999999999999822);
INSERT INTO Invoice VALUES(134,16,'2022-08-13 00:00:00','1600 Amphitheatre Parkway','Mountain View','CA','USA','94043-1351',1.9799999999999999822);
INSERT INTO Invoice VALUES(135,18,'2022-08-14 00:00:00','627 Broadway','New York','NY','USA','10012-2612',3.9599999999999999644);
INSERT INTO Invoice VALUES(136,22,'2022-08-15 00:00:00','120 S Orange Ave','Orlando','FL','USA','32801',5.9400000000000003907);
INSERT INTO Invoice VALUES(137,28,'2022-08-18 00:00:00','302 S 700 E','Salt Lake City','UT','USA','84102',8.9100000000000001421);
INSERT INTO Invoice VALUES(138,37,'2022-08-23 00:00:00','Berger Straße 10','Frankfurt',NULL,'Germany','60316',13.859999999999999431);
INSERT INTO Invoice VALUES(139,51,'2022-08-31 00:00:00','Celsiusg. 9','Stockholm',NULL,'Sweden','11230',0.98999999999999999111);
INSERT INTO Invoice VALUES(140,52,'2022-09-13 00:00:00','202 Hoxton Street','London',NULL,'United Kingdom','N1 5LH',1.9799999999999999822);
INSERT INTO Invoice VALUES(141,54,'2022-09-13 00:00:00','110 Raeburn Pl','Edinburgh ',NULL,'United Kingdom','EH4 1HH',1.9799999999999999822);
INSERT INTO Invoice VALUES(142,56,'2022-09-14 00:00:00','307 Macacha Güemes','Buenos Aires',NULL,'Argentina','1106',3.9599999999999999644);
INSERT INTO Invoice VALUES(143,1,'2022-09-15 00:00:00','Av. Brigadeiro Faria Lima, 2170','São José dos Campos','SP','Brazil','12227-000',5.9400000000000003907);
INSERT INTO Invoice VALUES(144,7,'2022-09-18 00:00:00','Rotenturmstraße 4, 1010 Innere Stadt','Vienne',NULL,'Austria','1010',8.9100000000000001421);
INSERT INTO Invoice VALUES(145,16,'2022-09-23 00:00:00','1600 Amphitheatre Parkway','Mountain View','CA','USA','94043-1351',13.859999999999999431);
INSERT INTO Invoice VALUES(146,30,'2022-10-01 00:00:00','230 Elgin Street','Ottawa','ON','Canada','K2P 1L7',0.98999999999999999111);
INSERT INTO Invoice VALUES(147,31,'2022-10-14 00:00:00','194A Chain Lake Drive','Halifax','NS','Canada','B3S 1C5',1.9799999999999999822);
INSERT INTO Invoice VALUES(148,33,'2022-10-14 00:00:00','5112 48 Street','Yellowknife','NT','Canada','X1A 1N6',1.9799999999999999822);
INSERT INTO Invoice VALUES(149,35,'2022-10-15 00:00:00','Rua dos Campeões Europeus de Viena, 4350','Porto',NULL,'Portugal',NULL,3.9599999999999999644);
INSERT INTO Invoice VALUES(150,39,'2022-10-16 00:00:00','4, Rue Milton','Paris',NULL,'France','75009',5.9400000000000003907);
CREATE INDEX [IFK_EmployeeReportsTo] ON [Employee] ([ReportsTo]);
CREATE INDEX [IFK_CustomerSupportRepId] ON [Customer] ([SupportRepId]);
CREATE INDEX [IFK_InvoiceCustomerId] ON [Invoice] ([CustomerId]);
COMMIT;
