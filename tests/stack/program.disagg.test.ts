import { describeRecipeStack } from "../support/recipeStack";

describeRecipeStack("disagg");
