# Les pages web du serveur : ce qu'un élu lit dans son navigateur.

web-site-name = Lucarne
web-skip = Aller au contenu
web-nav-home = Mes iPad
web-nav-groups = Mes groupes
web-lang-switch = English
web-logout = Se déconnecter
web-footer = Lucarne montre ce que l'administration peut faire avec votre iPad. Logiciel libre, licence EUPL.

## Erreurs et connexion
web-not-found-title = Page introuvable
web-not-found = Cette page n'existe pas, ou vous n'y avez pas accès.
web-login-needed-title = Connexion nécessaire
web-login-needed = Pour voir vos iPad, ouvrez un lien de connexion : sur votre ordinateur, lancez la commande « lucarne open ».
web-login-expired = Ce lien de connexion n'est plus valable (il ne sert qu'une fois, pendant une minute). Lancez à nouveau « lucarne open ».
web-forbidden-title = Demande refusée
web-forbidden = Ce formulaire a expiré ou ne vient pas de Lucarne. Rechargez la page et recommencez.
web-error-title = Erreur du serveur
web-error = Le serveur n'a pas pu afficher cette page. Réessayez plus tard.

## Accueil
web-home-title = Mes iPad
web-home-account = Votre identifiant de compte (à donner à un collègue qui veut vous inviter dans un groupe) : { $account }
web-home-none = Aucun iPad n'a encore été envoyé à ce serveur. Sur votre ordinateur, lancez « lucarne scan ».
web-home-latest = Dernier instantané : { $date }
web-home-no-alert = Aucune alerte.
web-home-alerts = Dernières alertes
web-home-open = Voir ce que l'administration peut faire
web-device-unnamed = iPad sans nom

## Page d'un iPad
web-device-title = { $name }
web-device-summary-more = Sur quoi cela repose
web-device-no-evidence = Aucune preuve détaillée pour cette ligne.
web-device-facts = Cet iPad
web-device-inventory = Ce qui est installé
web-device-timeline = Historique des changements
web-device-timeline-none = Aucun changement enregistré.
web-device-unchanged = Rien n'a changé sur l'iPad.
web-device-first = Premier instantané reçu.
web-device-received = Reçu le { $date }
web-device-signed-bytes = Octets signés de cet instantané
web-device-older = Changements plus anciens
web-device-newest = Revenir aux plus récents
web-device-chart-title = Changements par jour
web-device-chart-desc = { $changes ->
    [one] 1 instantané avec des changements
   *[other] { $changes } instantanés avec des changements
}, du { $from } au { $to } ({ $days ->
    [one] 1 jour
   *[other] { $days } jours
}).
web-device-access = Qui a consulté cet iPad
web-device-shared-note = Vous voyez cet iPad parce que son propriétaire l'a partagé avec votre groupe.

## Qui a regardé
web-access-title = Qui a consulté les données de cet iPad
web-access-operator = Attention : l'exploitant de ce serveur peut lire la base de données directement, et aucun journal ne peut le montrer.
web-access-none = Personne n'a encore consulté cet iPad.
web-access-when = Quand
web-access-who = Qui
web-access-what = Quoi
web-access-via = Par
web-access-you = Vous
web-access-member = Un membre d'un de vos groupes ({ $account })
web-access-what-page = la page de l'iPad
web-access-what-timeline = l'historique
web-access-what-capabilities = les capacités
web-access-what-snapshot = les octets signés d'un instantané
web-access-what-group = la comparaison de groupe
web-access-via-page = le site
web-access-via-api = l'API
web-access-via-export = un téléchargement

## Groupes
web-groups-title = Mes groupes
web-groups-none = Vous n'êtes membre d'aucun groupe.
web-groups-create = Créer un groupe
web-groups-name = Nom du groupe
web-groups-invitations = Invitations reçues
web-groups-accept = Accepter
web-group-title = Groupe « { $name } »
web-group-members = { $count ->
    [one] 1 membre
   *[other] { $count } membres
}
web-group-invite = Inviter un compte
web-group-invite-account = Identifiant de compte de la personne invitée
web-group-invite-unknown = Aucun compte ne porte cet identifiant.
web-group-invited = Invitation envoyée.
web-group-share-title = Mes iPad dans ce groupe
web-group-share = Partager avec le groupe
web-group-withdraw = Retirer du groupe
web-group-shared = Partagé
web-on-this-page = Sur cette page
web-group-compare-title = Comparaison des iPad partagés
web-group-compare-none = Aucun iPad n'est encore partagé dans ce groupe.
web-group-differences = Ce que seuls certains iPad ont
web-group-same = Ce que tous les iPad partagés ont
web-group-holders = { $total ->
    [one] sur { $count } des { $total } tablettes
   *[other] sur { $count } des { $total } tablettes
}
web-group-item-app = App « { $name } »
web-group-item-profile = Profil « { $name } »
web-group-item-restriction = Restriction { $key } = { $value }
web-group-item-anchor = Autorité de certification racine « { $name } »
web-group-device = { $name } (de { $owner })

## Mon compte
web-nav-account = Mon compte
web-account-title = Mon compte
web-account-name-title = Le nom que voient vos groupes
web-account-name-help = Les membres de vos groupes voient ce nom à côté de vos iPad partagés, dans la liste des membres et dans vos invitations. Sans nom, ils vous voient comme « { $shown } ».
web-account-name = Votre nom (laissez vide pour n'en montrer aucun)
web-account-save = Enregistrer
web-account-saved = Nom enregistré.
web-account-too-long = Ce nom est trop long : { $max } caractères au plus. Rien n'a été changé.
web-account-unsafe = Ce nom contient un caractère invisible, de contrôle ou qui inverse le sens d'écriture : il pourrait se faire passer pour un autre nom. Rien n'a été changé.
web-account-id-title = Votre identifiant de compte
web-account-id-help = Donnez-le à un collègue qui veut vous inviter dans un groupe : l'invitation vise ce compte et aucun autre, quel que soit le nom choisi.
web-account-unnamed = compte { $id }
web-group-members-title = Membres
web-group-member = { $name } (compte { $id })
web-group-pending = Invitations en attente
web-groups-invited-by = invitation de { $name }
web-group-all-but = toutes sauf { $devices }

# Codes d'inscription d'un groupe (son administrateur)
web-group-code-section = Inscrire une nouvelle personne dans ce groupe
web-group-code-explain = Vous avez créé ce groupe : vous pouvez donner un code d'inscription à quelqu'un qui n'a pas encore de compte sur ce serveur. En inscrivant son ordinateur avec ce code, il obtient un compte déjà membre du groupe ; il choisira lui-même quels iPad le groupe peut voir.
web-group-code-create = Créer un code d'inscription
web-group-code-title = Code d'inscription pour le groupe « { $name } »
web-group-code-intro = Voici le code. Il ne s'affichera plus : notez-le ou transmettez-le maintenant.
web-group-code-how = Sur son ordinateur, la personne installe Lucarne puis tape :
web-group-code-valid = Ce code ne sert qu'une fois et expire dans { $days ->
    [one] un jour
   *[other] { $days } jours
}.
web-group-code-secret = Remettez-le à la personne seule : qui le tape en premier entre dans le groupe.
web-group-code-too-many = Vous avez déjà cinq codes en attente : attendez qu'ils servent ou expirent avant d'en créer un autre.
web-group-code-back = Revenir au groupe

# L'export des preuves (page d'un iPad, titulaire seulement).
web-owner-only = Seul le titulaire de cet iPad peut en exporter les preuves ou en voir les lettres.
web-export-title = Exporter les preuves
web-export-intro = Un fichier ZIP que chacun peut vérifier sans Lucarne ni réseau : les instantanés signés par votre ordinateur, leur place dans le journal du serveur, les horodatages, le rapport PDF et deux projets de lettres. Le manifeste est signé par la clé du journal que votre ordinateur a retenue à l'inscription. Le téléchargement est inscrit dans le journal des consultations.
web-export-from = Du
web-export-to = au
web-export-lang = Langue du rapport
web-export-lang-page = cette langue
web-export-lang-other = l'autre langue
web-export-button = Télécharger l'export
web-export-letters = Voir les deux projets de lettres (demande d'accès, plainte à la CNIL)
web-export-empty = Aucun instantané de cet iPad dans la période choisie.
web-export-bad-period = La période choisie n'est pas valable : deux dates AAAA-MM-JJ, la première avant la seconde.
web-export-no-timestamp = L'autorité d'horodatage n'a pas répondu, et un export de ce serveur est toujours horodaté : réessayez dans quelques minutes.
web-letters-title = Projets de lettres
web-letters-intro = Les lettres que contient l'export de tout l'historique de cet iPad. Elles ne citent que des faits, chacun renvoyant au fichier de l'export qui le prouve : téléchargez l'export pour les joindre.
web-letters-back = Retour à l'iPad
